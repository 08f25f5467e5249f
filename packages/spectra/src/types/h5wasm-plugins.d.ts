/** The part of h5wasm-plugins (no types of its own) that wfall uses. */
declare module "h5wasm-plugins" {
  /** Adds the package's own plugin folder (LZF, blosc, bitshuffle, lz4, zstd, bz2, ...) to h5wasm's plugin search path (Node). */
  export function install_local_plugins(h5wasmModule: unknown): void;
}
