//! Avatars and room logos are re-encoded after upload: decoded (within limits), shrunk to
//! at most 512 px a side, and written back as PNG — which drops EXIF and every other
//! metadata block, and turns a polyglot into a plain image. Image attachments get a JPEG
//! thumbnail of at most 480 px a side, stored beside them. Decoding takes memory (up to
//! DECODE_ALLOC), so at most two images are decoded at once per instance.

use std::io::Cursor;

use futures_util::TryStreamExt;
use image::{ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use super::upload::Received;
use crate::platform::error::ApiError;
use crate::platform::storage::Storage;

/// Longest side of a stored avatar or logo.
pub const MAX_AVATAR_SIDE: u32 = 512;
/// Most memory one decode may take.
const DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// Longest side of an attachment's thumbnail.
pub const MAX_THUMBNAIL_SIDE: u32 = 480;
/// Images decoded at once on this instance.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Whether uploads of this type get a thumbnail.
pub fn has_thumbnail(media_type: &str) -> bool {
    matches!(media_type, "image/png" | "image/jpeg" | "image/webp" | "image/gif")
}

async fn read_all(storage: &Storage, key: &str, size: i64) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::with_capacity(size.max(0) as usize);
    let mut stream = storage.read(key).await?;
    while let Some(chunk) = stream.try_next().await? {
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

async fn write_all(storage: &Storage, key: &str, bytes: &[u8]) -> Result<(), ApiError> {
    let mut upload = storage.begin(key).await?;
    if let Err(e) = upload.write(bytes).await {
        upload.abort().await;
        return Err(e.into());
    }
    upload.finish().await?;
    Ok(())
}

/// Runs a decode on a blocking thread, two at most at a time.
async fn decoding<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = DECODING.acquire().await.map_err(|e| ApiError::Internal(e.into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
}

/// Writes a JPEG thumbnail of the stored image at `key` to `thumb_key`; false when the
/// image cannot be decoded (the upload is kept, without a thumbnail).
pub async fn make_thumbnail(storage: &Storage, key: &str, size: i64, thumb_key: &str) -> Result<bool, ApiError> {
    let original = read_all(storage, key, size).await?;
    let Ok(jpeg) = decoding(move || thumbnail(&original)).await else {
        return Ok(false);
    };
    write_all(storage, thumb_key, &jpeg).await?;
    Ok(true)
}

/// Re-encodes the stored image at `key` in place; the new description.
pub async fn normalise(storage: &Storage, key: &str, received: Received) -> Result<Received, ApiError> {
    let original = read_all(storage, key, received.size).await?;
    let (png, width, height) = decoding(move || reencode(&original)).await?;
    write_all(storage, key, &png).await?;
    Ok(Received {
        content_type: "image/png".into(),
        size: png.len() as i64,
        sha256: super::upload::hex(&Sha256::digest(&png)),
        width: Some(width as i32),
        height: Some(height as i32),
        ..received
    })
}

/// Decodes within the size and memory limits.
fn decode(bytes: &[u8]) -> Result<image::DynamicImage, ApiError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ApiError::invalid(format!("the image cannot be read: {e}")))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(super::detect::MAX_SIDE as u32);
    limits.max_image_height = Some(super::detect::MAX_SIDE as u32);
    limits.max_alloc = Some(DECODE_ALLOC);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| ApiError::invalid(format!("the image cannot be decoded: {e}")))
}

/// A JPEG (quality 80) of at most MAX_THUMBNAIL_SIDE a side; transparency goes on white.
pub fn thumbnail(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let image = decode(bytes)?;
    let small = if image.width() > MAX_THUMBNAIL_SIDE || image.height() > MAX_THUMBNAIL_SIDE {
        image.thumbnail(MAX_THUMBNAIL_SIDE, MAX_THUMBNAIL_SIDE)
    } else {
        image
    };
    let rgba = small.to_rgba8();
    let rgb = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let on_white = |c: u8| ((c as u16 * a as u16 + 255 * (255 - a as u16)) / 255) as u8;
        image::Rgb([on_white(r), on_white(g), on_white(b)])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("encoding a JPEG: {e}")))?;
    Ok(out.into_inner())
}

/// Decodes (within limits), shrinks to MAX_AVATAR_SIDE, encodes as PNG.
pub fn reencode(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), ApiError> {
    let image = decode(bytes)?;
    let image = if image.width() > MAX_AVATAR_SIDE || image.height() > MAX_AVATAR_SIDE {
        image.thumbnail(MAX_AVATAR_SIDE, MAX_AVATAR_SIDE)
    } else {
        image
    };
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("encoding a PNG: {e}")))?;
    Ok((out.into_inner(), image.width(), image.height()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_image_comes_out_a_png_of_at_most_512_px_without_its_metadata() {
        let img = image::RgbImage::from_fn(1200, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 7]));
        let mut jpeg = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut jpeg, ImageFormat::Jpeg)
            .unwrap();
        // A comment segment (APP-like metadata) right after SOI.
        let mut bytes = jpeg.into_inner();
        let marker = b"\xff\xfe\x00\x11secret-location";
        bytes.splice(2..2, marker.iter().copied());
        let (png, w, h) = reencode(&bytes).unwrap();
        assert_eq!((w, h), (512, 256));
        assert!(png.starts_with(b"\x89PNG"));
        assert!(!png.windows(15).any(|win| win == b"secret-location"));
        assert!(reencode(b"GIF89a not really").is_err());
    }

    #[test]
    fn a_thumbnail_is_a_jpeg_of_at_most_480_px_with_transparency_on_white() {
        let img = image::RgbaImage::from_fn(1000, 200, |x, _| image::Rgba([0, 0, 0, if x < 500 { 0 } else { 255 }]));
        let mut png = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut png, ImageFormat::Png)
            .unwrap();
        let jpeg = thumbnail(&png.into_inner()).unwrap();
        let small = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg)
            .unwrap()
            .to_rgb8();
        assert_eq!((small.width(), small.height()), (480, 96));
        assert!(
            small.get_pixel(10, 10).0.iter().all(|&c| c > 240),
            "transparent became white"
        );
        assert!(small.get_pixel(470, 10).0.iter().all(|&c| c < 15), "black stays black");
    }
}
