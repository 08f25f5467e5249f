//! Heatmaps written into a PDF by us instead of by svg2pdf.
//!
//! svg2pdf decodes each image and deflates its samples as they are (zlib
//! level 6): for a heatmap, whose cells are blocks of repeated pixels, that
//! was most of a figure's PDF time. So svg2pdf is given a one-pixel stand-in
//! of each image, stretched to the image's box (`preserveAspectRatio="none"`,
//! the same placement as the image itself, whose pixels fill its box), with
//! the alpha that makes svg2pdf write a soft mask when the image has
//! transparency; then each stand-in's objects get the image's size and its
//! samples behind PNG predictors (a row equal to the one above it is all
//! zeros after `Up`, a row of repeated pixels nearly so after `Sub`),
//! deflated by fdeflate. The page shows the same pixels.
//!
//! The PDF is rewritten object by object as svg2pdf lays it out (`N 0 obj`
//! blocks, then a classic cross-reference table): the replaced objects change
//! length, so the table is written again with the new offsets.

use wfall_core::bail;
use wfall_core::error::{code, CoreResult};

use crate::images::RasterImage;

/// Where an image's stand-in goes: `wfall-raster:N` hrefs name the caller's images.
const RASTER_HREF: &str = "xlink:href=\"wfall-raster:";

/// The SVG with each of the caller's images stretched to its box, as its
/// one-pixel stand-in must be. An image whose box keeps another aspect
/// (`preserveAspectRatio` other than `none`) is an error: its stand-in would
/// be placed elsewhere.
pub(crate) fn stretched(svg: &str) -> CoreResult<String> {
    let mut out = String::with_capacity(svg.len() + 64);
    let mut rest = svg;
    while let Some(at) = rest.find(RASTER_HREF) {
        let tag = rest[..at].rfind('<').unwrap_or(0);
        let element = &rest[tag..at + rest[at..].find('>').unwrap_or(rest.len() - at)];
        out.push_str(&rest[..at]);
        if !element.contains("preserveAspectRatio") {
            out.push_str("preserveAspectRatio=\"none\" ");
        } else if !element.contains("preserveAspectRatio=\"none\"") {
            bail!(code::INTERNAL, "a heatmap's SVG image keeps an aspect ratio of its own");
        }
        out.push_str(RASTER_HREF);
        rest = &rest[at + RASTER_HREF.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The stand-in svg2pdf is given for `image`: one black pixel, transparent
/// when the image has transparency (so that svg2pdf writes a soft mask for it).
pub(crate) fn stand_in(image: &RasterImage) -> [u8; 4] {
    let opaque = image.rgba.chunks_exact(4).all(|p| p[3] == u8::MAX);
    [0, 0, 0, if opaque { u8::MAX } else { 0 }]
}

/// Components `channels` (RGB or alpha) of `image` as PNG-predicted rows
/// (a filter-type byte, then the row), deflated: each row `Up` when it
/// equals the row above, else `Sub`.
fn predicted_samples(image: &RasterImage, channels: std::ops::Range<usize>) -> Vec<u8> {
    match channels.len() {
        3 => predicted::<3>(image, channels.start),
        1 => predicted::<1>(image, channels.start),
        n => unreachable!("{n} components"),
    }
}

/// [`predicted_samples`] of the `N` components from `first` on: fixed-size copies
/// (a copy of a length known only at run time is a call per pixel).
fn predicted<const N: usize>(image: &RasterImage, first: usize) -> Vec<u8> {
    let row_bytes = image.width * N;
    let mut out = Vec::with_capacity(image.height * (row_bytes + 1));
    let (mut row, mut previous) = (vec![0u8; row_bytes], vec![0u8; row_bytes]);
    let mut has_previous = false;
    for pixels in image.rgba.chunks_exact(image.width * 4) {
        for (samples, rgba) in row.chunks_exact_mut(N).zip(pixels.chunks_exact(4)) {
            samples.copy_from_slice(&rgba[first..first + N]);
        }
        if has_previous && previous == row {
            out.push(2); // Up: every byte minus the one above it
            out.resize(out.len() + row_bytes, 0);
        } else {
            out.push(1); // Sub: every byte minus the same component of the pixel to its left
            out.extend_from_slice(&row[..N]);
            out.extend(row[N..].iter().zip(&row).map(|(&byte, &left)| byte.wrapping_sub(left)));
            std::mem::swap(&mut row, &mut previous);
            has_previous = true;
        }
    }
    fdeflate::compress_to_vec(&out)
}

/// One object of the PDF: its number and its bytes (`N 0 obj` .. the next object).
struct Object<'a> {
    id: usize,
    bytes: std::borrow::Cow<'a, [u8]>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fn number_at(bytes: &[u8]) -> Option<usize> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&bytes[..digits]).ok()?.parse().ok()
}

/// The PDF's objects in file order, the bytes before the first, and the trailer (`trailer` up to `startxref`).
fn objects(pdf: &[u8]) -> Option<(&[u8], Vec<Object<'_>>, &[u8])> {
    let xref = pdf.windows(6).rposition(|w| w == b"\nxref\n")? + 1;
    let count_at = find(pdf, b"\n", xref)? + 1;
    let count = number_at(&pdf[find(pdf, b" ", count_at)? + 1..])?;
    let entries = find(pdf, b"\n", count_at)? + 1;
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(count);
    for id in 1..count {
        let entry = pdf.get(entries + 20 * id..entries + 20 * (id + 1))?;
        if entry[17] == b'n' {
            starts.push((number_at(entry)?, id));
        }
    }
    starts.sort_unstable();
    let first = starts.first()?.0;
    let mut list = Vec::with_capacity(starts.len());
    for (k, &(at, id)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(xref, |next| next.0);
        if !pdf.get(at..end)?.starts_with(format!("{id} 0 obj\n").as_bytes()) {
            return None;
        }
        list.push(Object { id, bytes: std::borrow::Cow::Borrowed(&pdf[at..end]) });
    }
    let trailer = find(pdf, b"trailer\n", entries)?;
    let startxref = find(pdf, b"startxref\n", trailer)?;
    Some((&pdf[..first], list, &pdf[trailer..startxref]))
}

/// A stand-in's image object with the image's size and `samples` (predicted rows of `colors` components).
fn with_samples(object: &[u8], samples: &[u8], image: &RasterImage, colors: usize) -> Option<Vec<u8>> {
    let stream = find(object, b">>\nstream\n", 0)?;
    let length_at = find(&object[..stream], b"/Length ", 0)? + b"/Length ".len();
    let length = number_at(&object[length_at..])?;
    let data = stream + b">>\nstream\n".len();
    let dict = std::str::from_utf8(&object[..length_at]).ok()?.to_owned()
        + &samples.len().to_string()
        + std::str::from_utf8(&object[length_at + length.to_string().len()..stream]).ok()?;
    let size = format!("  /Width {}\n  /Height {}\n", image.width, image.height);
    let predictor = format!("  /DecodeParms << /Predictor 15 /Colors {colors} /BitsPerComponent 8 /Columns {} >>\n", image.width);
    let dict = dict.replacen("  /Width 1\n  /Height 1\n", &size, 1).replacen(
        "  /Filter /FlateDecode\n",
        &format!("  /Filter /FlateDecode\n{predictor}"),
        1,
    );
    if !(dict.contains(&size) && dict.contains(&predictor)) {
        return None;
    }
    let mut out = Vec::with_capacity(dict.len() + samples.len() + 32);
    out.extend_from_slice(dict.as_bytes());
    out.extend_from_slice(&object[stream..data]);
    out.extend_from_slice(samples);
    out.extend_from_slice(object.get(data + length..)?);
    Some(out)
}

/// Whether an object is an RGB image XObject (svg2pdf's soft masks are gray).
fn is_rgb_image(object: &[u8]) -> bool {
    let dict = find(object, b"stream\n", 0).map_or(object, |s| &object[..s]);
    find(dict, b"/Subtype /Image\n", 0).is_some() && find(dict, b"/ColorSpace /DeviceRGB\n", 0).is_some()
}

/// The object number of an image's soft mask (`/SMask N 0 R`), if it has one.
fn soft_mask(object: &[u8]) -> Option<usize> {
    let dict = &object[..find(object, b"stream\n", 0)?];
    number_at(&dict[find(dict, b"/SMask ", 0)? + b"/SMask ".len()..])
}

/// `pdf` (svg2pdf's, made with [`stand_in`]s) with the samples of its images
/// replaced by the real ones: `used[k]` is the index in `images` of the k-th
/// image the SVG drew (the order svg2pdf numbered their objects in), `None`
/// for an image of the SVG's own (a data URL), left as svg2pdf wrote it.
pub(crate) fn with_real_images(pdf: &[u8], images: &[RasterImage], used: &[Option<usize>]) -> CoreResult<Vec<u8>> {
    if used.iter().all(Option::is_none) {
        return Ok(pdf.to_vec());
    }
    let Some((head, mut list, trailer)) = objects(pdf) else {
        bail!(code::INTERNAL, "the PDF is not laid out as svg2pdf writes one");
    };
    let mut targets: Vec<usize> = (0..list.len()).filter(|&k| is_rgb_image(&list[k].bytes)).collect();
    targets.sort_by_key(|&k| list[k].id);
    if targets.len() != used.len() {
        bail!(code::INTERNAL, "the PDF has {} images where the SVG drew {}", targets.len(), used.len());
    }
    for (&k, &index) in targets.iter().zip(used) {
        let Some(image) = index.map(|i| &images[i]) else { continue };
        let id = list[k].id;
        let mask = soft_mask(&list[k].bytes);
        let Some(bytes) = with_samples(&list[k].bytes, &predicted_samples(image, 0..3), image, 3) else {
            bail!(code::INTERNAL, "the PDF's image object {id} is not the one-pixel stand-in svg2pdf writes");
        };
        list[k].bytes = std::borrow::Cow::Owned(bytes);
        if let Some(mask) = mask {
            let Some(m) = list.iter().position(|o| o.id == mask) else {
                bail!(code::INTERNAL, "the PDF's image object {id} names a soft mask it lacks");
            };
            let Some(bytes) = with_samples(&list[m].bytes, &predicted_samples(image, 3..4), image, 1) else {
                bail!(code::INTERNAL, "the PDF's soft mask {mask} is not the one-pixel stand-in svg2pdf writes");
            };
            list[m].bytes = std::borrow::Cow::Owned(bytes);
        }
    }

    let mut out = Vec::with_capacity(pdf.len());
    out.extend_from_slice(head);
    let mut offsets = vec![0usize; list.iter().map(|o| o.id).max().unwrap_or(0) + 1];
    for object in &list {
        offsets[object.id] = out.len();
        out.extend_from_slice(&object.bytes);
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len()).as_bytes());
    for &offset in &offsets[1..] {
        out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(trailer);
    out.extend_from_slice(format!("startxref\n{xref}\n%%EOF").as_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The samples of a predicted, deflated stream of `n` components as rows again.
    fn unpredicted(samples: &[u8], width: usize, n: usize) -> Vec<u8> {
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(samples).unwrap();
        let row_bytes = width * n;
        let mut out: Vec<u8> = Vec::new();
        for row in raw.chunks_exact(row_bytes + 1) {
            let start = out.len();
            for (i, &b) in row[1..].iter().enumerate() {
                let value = match row[0] {
                    1 => b.wrapping_add(if i >= n { out[start + i - n] } else { 0 }),
                    2 => b.wrapping_add(if start >= row_bytes { out[start - row_bytes + i] } else { 0 }),
                    f => panic!("filter {f}"),
                };
                out.push(value);
            }
        }
        out
    }

    #[test]
    fn predicted_samples_decode_to_the_pixels() {
        // blocks of repeated pixels (a heatmap) and rows of noise, the first row repeated
        let (w, h) = (37, 11);
        let rgba: Vec<u8> =
            (0..w * h * 4).map(|i| if (i / (w * 4)) % 3 == 0 { ((i / 12) * 29 % 256) as u8 } else { (i * 7919 % 251) as u8 }).collect();
        let mut repeated = rgba.clone();
        repeated.copy_within(..w * 4, w * 4);
        for pixels in [rgba, repeated] {
            let image = RasterImage { rgba: &pixels, width: w, height: h };
            let rgb: Vec<u8> = pixels.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
            assert_eq!(unpredicted(&predicted_samples(&image, 0..3), w, 3), rgb);
            let alpha: Vec<u8> = pixels.chunks_exact(4).map(|p| p[3]).collect();
            assert_eq!(unpredicted(&predicted_samples(&image, 3..4), w, 1), alpha);
        }
    }

    #[test]
    fn a_stand_in_is_transparent_when_the_image_has_transparency() {
        assert_eq!(stand_in(&RasterImage { rgba: &[10, 20, 30, 255, 40, 50, 60, 255], width: 2, height: 1 }), [0, 0, 0, 255]);
        assert_eq!(stand_in(&RasterImage { rgba: &[10, 20, 30, 255, 40, 50, 60, 1], width: 2, height: 1 }), [0, 0, 0, 0]);
    }

    #[test]
    fn stretches_the_callers_images_only() {
        let svg = r#"<svg><image width="3" xlink:href="wfall-raster:0"/><image xlink:href="data:x"/><image preserveAspectRatio="none" xlink:href="wfall-raster:1"/></svg>"#;
        assert_eq!(
            stretched(svg).unwrap(),
            r#"<svg><image width="3" preserveAspectRatio="none" xlink:href="wfall-raster:0"/><image xlink:href="data:x"/><image preserveAspectRatio="none" xlink:href="wfall-raster:1"/></svg>"#
        );
        assert_eq!(stretched(r#"<image preserveAspectRatio="xMidYMid" xlink:href="wfall-raster:0"/>"#).unwrap_err().code, code::INTERNAL);
    }

    #[test]
    fn refuses_other_layouts() {
        let image = RasterImage { rgba: &[0; 4], width: 1, height: 1 };
        assert_eq!(with_real_images(b"%PDF-1.7\nnothing", &[image], &[Some(0)]).unwrap_err().code, code::INTERNAL);
        // nothing of ours to write: the PDF as it is
        assert_eq!(with_real_images(b"%PDF-1.7\nnothing", &[], &[None]).unwrap(), b"%PDF-1.7\nnothing");
    }
}
