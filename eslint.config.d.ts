/** The folder rules' table (eslint.config.js), for test/layering-rules.test.ts. */
export declare const MAY_IMPORT: Record<string, string[]>;
/** The broker's folders, top to bottom. */
export declare const BROKER_LAYERS: string[];
declare const config: unknown[];
export default config;
