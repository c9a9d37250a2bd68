/** Injection token of the loaded SampleAppConfig. */
export const SAMPLE_APP_CONFIG = Symbol('SAMPLE_APP_CONFIG');
