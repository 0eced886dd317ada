// /vendor/marked/marked.esm.js is the marked package (src/client/client.module.ts).
export * from 'marked';
