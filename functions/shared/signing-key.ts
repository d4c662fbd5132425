/** Where an HMAC key comes from (Secrets Manager in AWS, a file in `.data/` locally): read on first use. */
export type SigningKeyProvider = () => Promise<Buffer>;
