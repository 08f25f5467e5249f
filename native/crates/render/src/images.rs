//! Raster images handed to the rasteriser beside the SVG instead of inside it.
//!
//! A figure's heatmaps reach [`crate::svg_to_png`] as PNG data URLs: encoded,
//! base64'd, decoded and inflated again on every render, most of the CPU time
//! of a thumbnail. Here the SVG names each image by a short href
//! (`wfall-raster:N`) and the caller passes its RGBA pixels; usvg resolves the
//! href to an uncompressed PNG of exactly those pixels, so the same pixels
//! reach resvg's image drawing as through a data URL.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use usvg::{ImageHrefResolver, ImageKind};
use wfall_core::bail;
use wfall_core::error::{code, CoreResult};

/// The href of the image at index `N` of the caller's list: `wfall-raster:N`.
pub const HREF_PREFIX: &str = "wfall-raster:";

/// Straight-alpha RGBA pixels of one image, top row first.
pub struct RasterImage<'a> {
    pub rgba: &'a [u8],
    pub width: usize,
    pub height: usize,
}

/// Images by index, and which of them the SVG used.
pub(crate) struct Resolved {
    pngs: Vec<Arc<Vec<u8>>>,
    uses: Vec<AtomicUsize>,
    /// The images in the order the SVG named them (`None`: an image of its own, a data URL).
    order: Mutex<Vec<Option<usize>>>,
    unknown: AtomicBool,
}

impl Resolved {
    pub(crate) fn new(images: &[RasterImage]) -> CoreResult<Self> {
        let pngs = images.iter().map(|i| stored_png(i).map(Arc::new)).collect::<CoreResult<Vec<_>>>()?;
        Ok(Resolved {
            uses: pngs.iter().map(|_| AtomicUsize::new(0)).collect(),
            pngs,
            order: Mutex::new(Vec::new()),
            unknown: AtomicBool::new(false),
        })
    }

    /// usvg's href resolver: `wfall-raster:N` to image N; any other href that
    /// is not a data URL (a file path, a URL) resolves to nothing and is an error.
    pub(crate) fn resolver(&self) -> ImageHrefResolver<'_> {
        ImageHrefResolver {
            resolve_data: Box::new(move |mime, data, options| {
                self.order.lock().unwrap_or_else(|e| e.into_inner()).push(None);
                (ImageHrefResolver::default_data_resolver())(mime, data, options)
            }),
            resolve_string: Box::new(move |href, _| {
                let index = href.strip_prefix(HREF_PREFIX).and_then(|n| n.parse::<usize>().ok());
                match index.and_then(|i| Some((self.pngs.get(i)?, &self.uses[i]))) {
                    Some((png, uses)) => {
                        uses.fetch_add(1, Ordering::Relaxed);
                        self.order.lock().unwrap_or_else(|e| e.into_inner()).push(index);
                        Some(ImageKind::PNG(png.clone()))
                    }
                    None => {
                        self.unknown.store(true, Ordering::Relaxed);
                        None
                    }
                }
            }),
        }
    }

    /// The index of each image the SVG named, in the order it named them (an
    /// image named twice comes twice; `None` for a data URL of the SVG's own).
    pub(crate) fn order(&self) -> Vec<Option<usize>> {
        self.order.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// An error unless the SVG used every image and named no other.
    pub(crate) fn check_all_used(&self) -> CoreResult<()> {
        if self.unknown.load(Ordering::Relaxed) {
            bail!(code::RENDER, "the figure's SVG names an image that was not given");
        }
        if let Some(unused) = self.uses.iter().position(|u| u.load(Ordering::Relaxed) == 0) {
            bail!(code::RENDER, "image {unused} given with the figure is missing from its SVG");
        }
        Ok(())
    }
}

/// A PNG of the pixels with stored (uncompressed) deflate blocks and no
/// filter: writing and decoding it is little more than a copy, and it decodes
/// to the same pixels as any other PNG of them.
fn stored_png(image: &RasterImage) -> CoreResult<Vec<u8>> {
    let (w, h) = (image.width, image.height);
    if w == 0 || h == 0 || image.rgba.len() != w * h * 4 || image.rgba.len() > MAX_BYTES {
        bail!(code::SHAPE, "{} bytes cannot be a {w} x {h} RGBA image", image.rgba.len());
    }
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&(w as u32).to_be_bytes());
    header.extend_from_slice(&(h as u32).to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]); // 8 bits, RGBA, deflate, adaptive filtering, no interlace
                                                // the zlib stream's content: each row after its filter-type byte (0, none)
    let content = h * (w * 4 + 1);
    let blocks = content.div_ceil(STORED_BLOCK_BYTES);
    let mut png = Vec::with_capacity(64 + content + 5 * blocks);
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    chunk(&mut png, b"IHDR", &header);
    // IDAT written in place (one copy of the pixels): length, type, zlib stream, CRC
    let idat = png.len();
    png.extend_from_slice(&[0, 0, 0, 0]);
    png.extend_from_slice(b"IDAT");
    png.extend_from_slice(&[0x78, 0x01]); // deflate, 32 KiB window, no dictionary
    let mut stream = StoredBlocks { png: &mut png, content, written: 0, left_in_block: 0, adler: simd_adler32::Adler32::new() };
    for row in image.rgba.chunks_exact(w * 4) {
        stream.put(&[0]);
        stream.put(row);
    }
    let adler = stream.adler.finish();
    png.extend_from_slice(&adler.to_be_bytes());
    let length = (png.len() - idat - 8) as u32;
    png[idat..idat + 4].copy_from_slice(&length.to_be_bytes());
    let crc = crc32fast::hash(&png[idat + 4..]);
    png.extend_from_slice(&crc.to_be_bytes());
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

/// Content bytes cut into stored deflate blocks as they come.
struct StoredBlocks<'a> {
    png: &'a mut Vec<u8>,
    content: usize,
    written: usize,
    left_in_block: usize,
    adler: simd_adler32::Adler32,
}

impl StoredBlocks<'_> {
    fn put(&mut self, mut bytes: &[u8]) {
        self.adler.write(bytes);
        while !bytes.is_empty() {
            if self.left_in_block == 0 {
                let len = STORED_BLOCK_BYTES.min(self.content - self.written);
                self.png.push(u8::from(self.written + len == self.content)); // BFINAL on the last; BTYPE 00 (stored)
                self.png.extend_from_slice(&(len as u16).to_le_bytes());
                self.png.extend_from_slice(&(!(len as u16)).to_le_bytes());
                self.left_in_block = len;
            }
            let n = self.left_in_block.min(bytes.len());
            self.png.extend_from_slice(&bytes[..n]);
            (bytes, self.left_in_block, self.written) = (&bytes[n..], self.left_in_block - n, self.written + n);
        }
    }
}

/// Largest image (1 GiB): its one IDAT chunk stays below PNG's limit of 2^31 - 1 bytes.
const MAX_BYTES: usize = 1 << 30;
const STORED_BLOCK_BYTES: usize = 65_535;

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    png.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_png_decodes_to_the_same_pixels() {
        let rgba: Vec<u8> = (0..(300 * 250 * 4)).map(|i| (i * 7919 % 251) as u8).collect();
        let png = stored_png(&RasterImage { rgba: &rgba, width: 300, height: 250 }).unwrap();
        let mut reader = png::Decoder::new(&png[..]).read_info().unwrap();
        let mut decoded = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut decoded).unwrap();
        assert_eq!(decoded, rgba);
        // with its checksums checked (tiny-skia's decoder skips the Adler-32)
        let mut strict = png::Decoder::new(&png[..]);
        strict.ignore_checksums(false);
        let mut reader = strict.read_info().unwrap();
        reader.next_frame(&mut decoded).unwrap();
        // stored: about the size of the pixels (one filter byte per row and block headers)
        assert!(png.len() > rgba.len() && png.len() < rgba.len() + 4096);
    }

    #[test]
    fn a_one_pixel_image_and_a_multiple_of_the_block_size() {
        for (w, h) in [(1, 1), (16_383, 1), (20_000, 3)] {
            let rgba: Vec<u8> = (0..(w * h * 4)).map(|i| (i % 253) as u8).collect();
            let png = stored_png(&RasterImage { rgba: &rgba, width: w, height: h }).unwrap();
            let mut decoder = png::Decoder::new(&png[..]);
            decoder.ignore_checksums(false);
            let mut reader = decoder.read_info().unwrap();
            let mut decoded = vec![0; reader.output_buffer_size()];
            reader.next_frame(&mut decoded).unwrap();
            assert_eq!(decoded, rgba, "{w} x {h}");
        }
    }

    #[test]
    fn a_wrong_size_is_an_error() {
        assert!(stored_png(&RasterImage { rgba: &[0; 12], width: 2, height: 2 }).is_err());
    }
}
