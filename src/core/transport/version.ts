/** The package version, sent in the user agent and the client meta header. */
export const VERSION = '0.1.0';
