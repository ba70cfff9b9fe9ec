//! What a file is, from its bytes (magic numbers, `file-format`), and whether a purpose
//! takes it. The client's Content-Type and the file name's extension are never consulted.

use file_format::FileFormat;

crate::platform::text_enum::text_enum! {
    /// What an upload is for: it decides the size cap and the types allowed.
    pub enum Purpose {
        Attachment = "attachment",
        Avatar = "avatar",
        RoomLogo = "room_logo",
        Note = "note",
    }
}

/// Bytes of the start of a file that are enough for every format we accept, except the
/// zip-based office formats (told apart by reading the whole file).
pub const HEAD_BYTES: usize = 64 * 1024;

const IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// The media type of these bytes ("application/octet-stream" when unknown).
pub fn media_type(bytes: &[u8]) -> String {
    FileFormat::from_bytes(bytes).media_type().to_owned()
}

/// Whether the detected type may be kept for this purpose: images only for avatars and
/// logos; for attachments and notes also PDF, plain text (Markdown included), office
/// documents, zip, audio and video. HTML and unknown bytes never.
pub fn allowed(purpose: Purpose, media_type: &str) -> bool {
    if IMAGES.contains(&media_type) {
        return true;
    }
    if matches!(purpose, Purpose::Avatar | Purpose::RoomLogo) {
        return false;
    }
    media_type == "application/pdf"
        || media_type == "text/plain"
        || media_type == "application/zip"
        || media_type == "image/svg+xml"
        || media_type == "application/msword"
        || media_type == "application/vnd.ms-excel"
        || media_type == "application/vnd.ms-powerpoint"
        || media_type.starts_with("application/vnd.openxmlformats-officedocument.")
        || media_type.starts_with("application/vnd.oasis.opendocument.")
        || media_type.starts_with("audio/")
        || media_type.starts_with("video/")
}

/// Largest image accepted: pixels a side, and pixels in all (read from the header, before
/// anything decodes it).
pub const MAX_SIDE: usize = 10_000;
pub const MAX_PIXELS: usize = 40_000_000;

pub fn is_image(media_type: &str) -> bool {
    IMAGES.contains(&media_type)
}

/// An image's width and height from its header; an error for one too large or unreadable.
pub fn image_size(head: &[u8]) -> Result<(i32, i32), String> {
    let size = imagesize::blob_size(head).map_err(|_| "the image's header cannot be read".to_owned())?;
    if size.width == 0 || size.height == 0 {
        return Err("the image has no pixels".into());
    }
    if size.width > MAX_SIDE || size.height > MAX_SIDE || size.width * size.height > MAX_PIXELS {
        return Err(format!(
            "the image is {}×{}: at most {MAX_SIDE} pixels a side and {} megapixels",
            size.width,
            size.height,
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok((size.width as i32, size.height as i32))
}

/// Types a browser may show in the page (`?inline=1`); everything else is a download.
pub fn inline_ok(media_type: &str) -> bool {
    IMAGES.contains(&media_type) || media_type.starts_with("audio/") || media_type.starts_with("video/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    #[test]
    fn the_bytes_decide_and_the_purpose_filters() {
        assert_eq!(media_type(PNG), "image/png");
        assert_eq!(media_type(b"%PDF-1.7\n1 0 obj\n"), "application/pdf");
        assert_eq!(media_type(b"# Notes\n\n**due Friday**\n"), "text/plain");
        assert_eq!(
            media_type(b"<!DOCTYPE html><html><script>x</script></html>"),
            "text/html"
        );
        assert!(allowed(Purpose::Avatar, "image/png"));
        assert!(!allowed(Purpose::Avatar, "application/pdf"));
        assert!(!allowed(Purpose::Avatar, "image/svg+xml"));
        assert!(allowed(Purpose::Attachment, "application/pdf"));
        assert!(allowed(Purpose::Note, "text/plain"));
        assert!(!allowed(Purpose::Attachment, "text/html"));
        assert!(!allowed(Purpose::Attachment, "application/octet-stream"));
        assert!(inline_ok("image/gif") && !inline_ok("application/pdf") && !inline_ok("image/svg+xml"));
    }
}
