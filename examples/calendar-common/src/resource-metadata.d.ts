/** `clientCertificates`: the service asks clients for a certificate (TLS_CA). Default: `false`. */
export interface CalendarMetadataSettings {
  clientCertificates?: boolean;
}

/** The calendar's metadata options: its five scopes, and whether certificate-bound tokens can be used. */
export declare function calendarMetadataOptions(settings?: CalendarMetadataSettings): {
  scopesSupported: string[];
  tlsClientCertificateBoundAccessTokens: boolean;
};
