/** The folder rules' table (eslint.config.js), for test/layering-rules.test.ts. */
export declare const MAY_IMPORT: Record<string, string[]>;
declare const config: unknown[];
export default config;
