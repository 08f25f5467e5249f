/** `plot view FILE [FILE ...]`: the interactive viewer in the browser (see src/view/). */
import { spawn } from "node:child_process";

import { READ_OPTIONS } from "@wfall/spectra";

import { FIGURE_OPTIONS, PANEL_OPTIONS } from "../../options.js";
import { parseLabelKeys, type LabelKey } from "../../view/labels.js";
import { startViewServer } from "../../view/server.js";
import { ViewSession } from "../../view/session.js";
import type { Command, Io } from "../command.js";
import { flagsOf, lastValue, numberValue, optionsFrom, UsageError, type Flag } from "../flags.js";

const FLAGS: Flag[] = [
  { name: "port", takes: "one", arg: "N", help: "port to listen on (0: a free one)", defaultText: "0" },
  {
    name: "host",
    takes: "one",
    arg: "ADDRESS",
    help: "address to listen on; anything but 127.0.0.1 lets other machines connect (with the token)",
    defaultText: "127.0.0.1",
  },
  { name: "no-open", takes: "nothing", help: "only print the address; do not open a browser" },
  { name: "manifest", takes: "one", arg: "FILE", help: "manifest the page's export may append figures to (made if absent)" },
  {
    name: "label-keys",
    takes: "one",
    arg: "NAME=KEY,...",
    help: "triage labels and their keys, saved to labels.csv beside the files",
    defaultText: "real=1,rfi=2,noise=3,unsure=4",
  },
  { name: "read-mib", takes: "one", arg: "N", help: "a file larger than this (as float32) opens on its first part, with an overview", defaultText: "256" },
  { name: "title", takes: "one", arg: "TEXT", help: "title above the panel" },
  ...flagsOf(PANEL_OPTIONS),
  ...flagsOf(FIGURE_OPTIONS, ["columns", "sharedScale"]),
  ...flagsOf(READ_OPTIONS),
];

/** Opens `url` in the desktop's browser; a failure is a note, not an error (the address is printed). */
function openBrowser(url: string, io: Io): void {
  const command = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const child = spawn(command, [url], { stdio: "ignore", detached: true });
  child.on("error", () => io.err.write(`plot: could not open a browser (${command}); open the address above\n`));
  child.unref();
}

export const viewCommand: Command = {
  name: "view",
  usage:
    "plot view FILE [FILE ...] [--port N] [--no-open] [--host H] [--manifest FILE] [options]\n\nServes an interactive viewer of the files in the browser: DM, masks, window, colours, export of the figure and its manifest entry; with several files, triage labels. The first line printed is the address. Ctrl-C stops it.",
  flags: FLAGS,
  async run(parsed, io) {
    const files = [...parsed.positionals];
    if (files.length === 0) throw new UsageError("view: no input file given (see --help)");
    const portText = lastValue(parsed, "port");
    const port = portText === undefined ? 0 : numberValue("port", portText);
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`--port expects a port number from 0 to 65535, got '${portText}'`);
    const host = lastValue(parsed, "host") ?? "127.0.0.1";
    const keys = lastValue(parsed, "label-keys");
    const title = lastValue(parsed, "title");
    let labels: LabelKey[] | undefined;
    try {
      labels = keys === undefined ? undefined : parseLabelKeys(keys);
    } catch (error) {
      throw new UsageError(`--label-keys: ${(error as Error).message}`);
    }
    const readText = lastValue(parsed, "read-mib");
    const readMib = readText === undefined ? undefined : numberValue("read-mib", readText);
    if (readMib !== undefined && !(readMib > 0)) throw new UsageError(`--read-mib expects a positive number of MiB, got '${readText}'`);
    const session = await ViewSession.open({
      files,
      readBytes: readMib === undefined ? undefined : readMib * 2 ** 20,
      manifest: lastValue(parsed, "manifest"),
      labels,
      initial: {
        read: optionsFrom(READ_OPTIONS, parsed),
        options: optionsFrom(PANEL_OPTIONS, parsed),
        figure: optionsFrom(FIGURE_OPTIONS, parsed),
        ...(title ? { title } : {}),
      },
    });
    const server = await startViewServer({ session, port, host });
    io.out.write(`${server.url}\n`);
    if (host !== "127.0.0.1")
      io.err.write(`plot: warning: listening on ${host}, not only this machine: anyone who can reach it and has the address can see these files\n`);
    for (const f of session.files) if (f.error) io.err.write(`plot: ${f.error} (listed, not viewable)\n`);
    io.err.write(`plot: viewing ${files.length} file(s); Ctrl-C stops\n`);
    if (!parsed.values.has("no-open")) openBrowser(server.url, io);
    await new Promise(() => undefined); // serves until the process is stopped (Ctrl-C)
    return 0;
  },
};
