// Vega's own modules ship no type declarations; src/vega.ts gives what it takes from them the types of the `vega` package.
declare module "vega-dataflow";
declare module "vega-encode";
declare module "vega-parser";
declare module "vega-scenegraph";
declare module "vega-transforms";
declare module "vega-view";
declare module "vega-view-transforms";
