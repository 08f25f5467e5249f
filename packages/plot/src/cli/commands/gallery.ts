/** `plot gallery FIGURES.yaml -o FOLDER`: a static HTML page of a manifest's built figures. */
import { dirname, join, relative } from "node:path";

import { loadManifest } from "../../build/manifest.js";
import { writeGallery } from "../../gallery/gallery.js";
import { manifestArgument, type Command } from "../command.js";
import { lastValue, type Flag } from "../flags.js";

const FLAGS: Flag[] = [
  { name: "output", short: "o", takes: "one", arg: "FOLDER", help: "where index.html goes", defaultText: "the manifest's gallery:, else gallery/ beside it" },
  { name: "allow-outside", takes: "nothing", help: "the manifest may write outside its folder (as for plot build)" },
];

export const galleryCommand: Command = {
  name: "gallery",
  usage:
    "plot gallery FIGURES.yaml [-o FOLDER]\n\nWrites FOLDER/index.html: the manifest's built figures with their S/N, DM and width (from the candidate files) and triage labels (labels.csv beside the inputs, columns file,label), sortable and filterable, with no server and nothing fetched from the network.",
  flags: FLAGS,
  async run(parsed, io) {
    const file = manifestArgument(parsed, "gallery");
    const manifest = await loadManifest(file, { allowOutside: parsed.values.has("allow-outside") });
    const folder = lastValue(parsed, "output") ?? manifest.gallery ?? join(dirname(file), "gallery");
    const result = await writeGallery(manifest, folder);
    io.out.write(`gallery: ${relative(process.cwd(), result.page) || result.page} (${result.figures} figures)\n`);
    return 0;
  },
};
