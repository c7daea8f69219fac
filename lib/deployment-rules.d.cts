export declare const HISTORIC_PATHS: Readonly<Record<string, string>>;
export declare const TOKEN_ACCESS_REQUIRED_MESSAGE: string;
