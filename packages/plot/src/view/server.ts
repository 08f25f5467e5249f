/**
 * The viewer's HTTP server. It listens on 127.0.0.1 (another address only
 * when asked), answers only requests that carry its random token (403
 * otherwise), serves its page and assets by name, and computes figures of the
 * files it was given, named by their index in that list: no path from a
 * request reaches the file system. It writes only the labels (`labels.csv`
 * beside the files) and, when asked, the manifest named on the command line.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { WaterfallError } from "@wfall/spectra";

import { assetBytes, PAGE } from "./assets.js";
import type { ViewSession } from "./session.js";

/** How {@link startViewServer} starts. */
export interface ViewServerOptions {
  session: ViewSession;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
}

/** A running viewer. */
export interface ViewServer {
  /** The page's address, with the token: `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Largest request body accepted, bytes. */
const MAX_BODY = 1 << 20;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SECURITY_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  // Vega compiles its expressions with Function(): 'unsafe-eval' is for that; nothing is loaded from elsewhere.
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body), ...extra });
  res.end(body);
}

const sendJson = (res: ServerResponse, value: unknown, status = 200) => send(res, status, "application/json; charset=utf-8", JSON.stringify(value));

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers["content-type"] ?? "").startsWith("application/json")) throw new HttpError(415, "expected a JSON body");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, "request too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "the body is not valid JSON");
  }
}

/** Starts the viewer's server; resolves once it listens. */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const { session } = options;
  const host = options.host ?? "127.0.0.1";
  const token = randomBytes(24).toString("base64url");
  const page = (await readFile(PAGE, "utf8")).replaceAll("{{TOKEN}}", token);

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    "GET /": async (_req, res) => send(res, 200, "text/html; charset=utf-8", page),
    "GET /api/session": async (_req, res) => sendJson(res, await session.describe()),
    "POST /api/figure": async (req, res) => sendJson(res, await session.figure(await jsonBody(req))),
    "POST /api/export": async (req, res) => sendJson(res, session.exportEntry(await jsonBody(req))),
    "POST /api/download": async (req, res) => {
      const { name, bytes, type } = await session.download(await jsonBody(req));
      send(res, 200, type, bytes, { "Content-Disposition": `attachment; filename="${name}"` });
    },
    "POST /api/manifest": async (req, res) => sendJson(res, await session.appendToManifest(await jsonBody(req))),
    "POST /api/label": async (req, res) => sendJson(res, await session.label(await jsonBody(req))),
    "POST /api/overview": async (req, res) => sendJson(res, await session.overview(await jsonBody(req))),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://viewer.invalid");
    // A page elsewhere that reaches this port through a name of its own (DNS rebinding) sends its own Host.
    const hostHeader = (req.headers.host ?? "").replace(/:\d+$/, "");
    if (host === "127.0.0.1" && !LOOPBACK.has(hostHeader)) throw new HttpError(403, "forbidden");
    if (!sameToken(url.searchParams.get("token") ?? (req.headers["x-wfall-token"] as string | undefined), token)) throw new HttpError(403, "forbidden");
    if (req.method === "GET" && url.pathname.startsWith("/assets/")) {
      const asset = await assetBytes(url.pathname.slice("/assets/".length));
      if (!asset) throw new HttpError(404, "not found");
      send(res, 200, asset.type, asset.bytes);
      return;
    }
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) throw new HttpError(404, "not found");
    await route(req, res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) send(res, error.status, "text/plain; charset=utf-8", error.message);
      else if (error instanceof WaterfallError) sendJson(res, { error: error.message, code: error.code }, 422);
      else sendJson(res, { error: `internal error: ${(error as Error)?.message ?? String(error)}`, code: "E_INTERNAL" }, 500);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      fail(new WaterfallError("E_IO", `cannot listen on ${host}:${options.port ?? 0}: ${error.code === "EADDRINUSE" ? "the port is in use" : error.message}`)),
    );
    server.listen(options.port ?? 0, host, () => done());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
