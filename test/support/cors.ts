/** The CORS preflight a browser sends before a POST of JSON from `origin`. */
export function preflight(
  url: string,
  origin: string,
  requestHeaders = 'content-type',
): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': requestHeaders,
    },
  });
}
