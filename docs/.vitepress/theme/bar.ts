/** One bar of a BarChart: its label, its value (null: not measured) and the text shown beside it. */
export interface Bar {
  label: string;
  value: number | null;
  text: string;
  highlight?: boolean;
}
