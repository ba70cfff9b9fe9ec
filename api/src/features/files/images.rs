//! Avatars and room logos are re-encoded after upload: decoded (within limits), shrunk to
//! at most 512 px a side, and written back as PNG — which drops EXIF and every other
//! metadata block, and turns a polyglot into a plain image.

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

/// Re-encodes the stored image at `key` in place; the new description.
pub async fn normalise(storage: &Storage, key: &str, received: Received) -> Result<Received, ApiError> {
    let mut original = Vec::with_capacity(received.size as usize);
    let mut stream = storage.read(key).await?;
    while let Some(chunk) = stream.try_next().await? {
        original.extend_from_slice(&chunk);
    }
    let (png, width, height) = tokio::task::spawn_blocking(move || reencode(&original))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let mut upload = storage.begin(key).await?;
    let written = async {
        upload.write(&png).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    if let Err(e) = written {
        upload.abort().await;
        return Err(e);
    }
    upload.finish().await?;
    Ok(Received {
        content_type: "image/png".into(),
        size: png.len() as i64,
        sha256: super::upload::hex(&Sha256::digest(&png)),
        width: Some(width as i32),
        height: Some(height as i32),
        ..received
    })
}

/// Decodes (within limits), shrinks to MAX_AVATAR_SIDE, encodes as PNG.
pub fn reencode(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), ApiError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ApiError::invalid(format!("the image cannot be read: {e}")))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(super::detect::MAX_SIDE as u32);
    limits.max_image_height = Some(super::detect::MAX_SIDE as u32);
    limits.max_alloc = Some(DECODE_ALLOC);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| ApiError::invalid(format!("the image cannot be decoded: {e}")))?;
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
}
