// /vendor/dompurify/purify.es.mjs is the dompurify package (src/client/client.module.ts).
export { default } from 'dompurify';
export * from 'dompurify';
