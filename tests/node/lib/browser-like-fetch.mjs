// A fetch for Node that behaves like the browser the clients were written for: it keeps
// the cookies the server sets (a cookie jar, as `credentials: "include"` does) and sends
// the web app's Origin, so the unchanged npm clients can be driven from Node's test runner.

export class CookieJar {
  #cookies = new Map();

  /** Stores the cookies of a response's Set-Cookie lines (Max-Age=0 deletes). */
  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => a.trim().toLowerCase() === 'max-age=0');
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The Cookie header value, or undefined when empty. */
  header() {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  get(name) {
    return this.#cookies.get(name);
  }

  names() {
    return [...this.#cookies.keys()];
  }
}

/** A fetch bound to a jar and an Origin, with every exchange recorded in `log`. */
export function browserLikeFetch({ jar = new CookieJar(), origin, log = [] } = {}) {
  const fetchImpl = async (input, init = {}) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    const cookie = jar.header();
    if (cookie) headers.set('cookie', cookie);
    if (origin && request.method !== 'GET' && request.method !== 'HEAD') headers.set('origin', origin);
    const response = await fetch(new Request(request, { headers, redirect: 'manual' }));
    jar.store(response);
    log.push({ method: request.method, url: request.url, status: response.status });
    return response;
  };
  return { fetch: fetchImpl, jar, log };
}
