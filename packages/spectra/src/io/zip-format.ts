/** The zip format's record signatures and field values, shared by the reader and the writer. */

/** End of central directory record. */
export const EOCD = 0x06054b50;
/** Zip64 end of central directory record. */
export const ZIP64_EOCD = 0x06064b50;
/** Zip64 end of central directory locator. */
export const ZIP64_LOCATOR = 0x07064b50;
/** Central directory file header. */
export const CENTRAL = 0x02014b50;
/** Local file header. */
export const LOCAL = 0x04034b50;
/** Compression methods. */
export const STORED = 0;
export const DEFLATED = 8;
/** The extra field holding zip64 sizes and offsets. */
export const ZIP64_EXTRA = 0x0001;
/** A 32-bit size or offset of this value means "see the zip64 extra field". */
export const ZIP64_MARK = 0xffffffff;
