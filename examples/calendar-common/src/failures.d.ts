/** A failure body of the calendar's own (not scopegate's). */
export interface Failure {
  readonly error: string;
  readonly error_description: string;
}
export declare function failure(error: string, description: string): Failure;
export declare const NOT_AN_OBJECT: Failure;
export declare const NOT_JSON: Failure;
export declare const NOT_FOUND: Failure;
export declare const SERVER_ERROR: Failure;
/** 404, 413, 415, any other 4xx (a body that is not JSON), else 500. */
export declare function failureForStatus(status: number): Failure;
