// GudCity's service worker: the app shell of /cards, so the card opens offline.
//
// What it keeps (Cache Storage, one cache): the prerendered /cards page, which is the
// same file for every user (its data comes over the websocket, never in the HTML),
// and the build's static files it needs to start. Never anything with user data: the
// websocket (/_event), uploads, /auth/*, /export/* and every other request go
// straight to the network, untouched. The customer's last known card is not here:
// the online /cards page saves it to localStorage (assets/pwa.js), and log-out
// clears it (with this cache: the server's Clear-Site-Data header).
//
// Navigations go to the network first. Offline, /cards answers from the cache and
// every other page sends the browser to /cards.

const CACHE = "gudcity-shell-v1";
const SHELL = "/cards/";
const PUBLIC_FILES = [
  "/pwa.js",
  "/favicon.ico",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
];
// The build's files are named by their content: a cached one never goes stale.
const BUILT = "/assets/";

const isCardsPage = (path) => path === "/cards" || path === SHELL;

// Every /assets/ file the shell's HTML names (module preloads, styles, imports).
const builtFilesOf = (html) => [...new Set(html.match(/\/assets\/[\w.\-]+\.(?:js|css)/g) || [])];

// Keep `response` as the shell with the files it names; drop built files it no
// longer names (an older build's).
async function keepShell(response) {
  const html = await response.clone().text();
  const files = builtFilesOf(html);
  const cache = await caches.open(CACHE);
  await cache.put(SHELL, response);
  const cached = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  await cache.addAll(files.filter((file) => !cached.has(file)));
  const wanted = new Set(files);
  await Promise.all(
    [...cached]
      .filter((path) => path.startsWith(BUILT) && !wanted.has(path))
      .map((path) => cache.delete(path)),
  );
}

const isShell = (response) =>
  response.ok &&
  !response.redirected &&
  (response.headers.get("content-type") || "").startsWith("text/html");

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      await restoreShell();
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

// The shell again, if the cache lost it (a log-out clears the site's caches).
async function restoreShell() {
  if (await caches.match(SHELL)) {
    return;
  }
  const response = await fetch(SHELL, { cache: "no-cache", credentials: "omit" });
  if (isShell(response)) {
    await keepShell(response);
    await (await caches.open(CACHE)).addAll(PUBLIC_FILES);
  }
}

async function navigation(event, path) {
  try {
    const response = await fetch(event.request);
    const kept = isCardsPage(path) && isShell(response);
    event.waitUntil((kept ? keepShell(response.clone()) : restoreShell()).catch(() => {}));
    return response;
  } catch (offline) {
    if (!isCardsPage(path)) {
      return Response.redirect(SHELL, 302);
    }
    return (await caches.match(SHELL)) || Response.error();
  }
}

async function builtFile(request) {
  const cached = await caches.match(request);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function publicFile(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    return (await caches.match(request)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Log-in, log-out and downloads are the server's alone (its headers included).
    if (url.pathname.startsWith("/auth/") || url.pathname.startsWith("/export/")) {
      return;
    }
    event.respondWith(navigation(event, url.pathname));
  } else if (url.pathname.startsWith(BUILT)) {
    event.respondWith(builtFile(request));
  } else if (PUBLIC_FILES.includes(url.pathname)) {
    event.respondWith(publicFile(request));
  }
});
