/**
 * JPEG structure without decoding: the frame header (size, components, baseline or progressive)
 * and the EXIF orientation, read from the markers before any pixel is decoded, so that the pixel
 * limit is checked first and the orientation can be applied afterwards. Platform-free.
 * Markers are as in ITU T.81 Annex B; the EXIF layout as in CIPA DC-008 (a TIFF header and IFD0
 * inside an APP1 segment that starts with "Exif\0\0").
 */

/** What the markers say about a JPEG file. */
export interface JpegInfo {
  width: number;
  height: number;
  /** 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK / YCCK). */
  components: number;
  progressive: boolean;
  /** EXIF orientation 1–8 (1 when absent or unreadable): how the stored pixels must be turned to be upright. */
  orientation: number;
}

/** Whether `bytes` start like a JPEG file: SOI followed by another marker. */
export function hasJpegSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

// SOF markers: C0–CF except C4 (DHT), C8 (reserved) and CC (DAC). C2, C6, CA, CE are progressive.
const isFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * Reads the markers up to the frame header. Throws `Error('Invalid JPEG: …')` when the file is cut
 * short or malformed before it.
 * @example
 * jpegInfo(bytes) // { width: 451, height: 300, components: 3, progressive: false, orientation: 1 }
 */
export function jpegInfo(bytes: Uint8Array): JpegInfo {
  if (!hasJpegSignature(bytes)) throw new Error('Invalid JPEG: bad signature (no SOI marker)');
  let orientation = 1;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new Error(`Invalid JPEG: expected a marker at byte ${at}`);
    const marker = bytes[at + 1];
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xd9 || marker === 0xda) break; // EOI or SOS before any frame header
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) throw new Error(`Invalid JPEG: segment at byte ${at} runs past the end of the file`);
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (marker === 0xe1) orientation = exifOrientation(body) ?? orientation;
    if (isFrame(marker)) {
      if (body.length < 6) throw new Error('Invalid JPEG: frame header too short');
      const height = (body[1] << 8) | body[2];
      const width = (body[3] << 8) | body[4];
      const components = body[5];
      if (width === 0 || height === 0) throw new Error(`Invalid JPEG: frame of ${width} × ${height} pixels`);
      return { width, height, components, progressive: (marker & 3) === 2, orientation };
    }
    at += 2 + length;
  }
  throw new Error('Invalid JPEG: no frame header before the image data or the end of the file');
}

/** The orientation tag (0x0112) of IFD0 in an APP1 body, or undefined when it is not EXIF or has none. */
function exifOrientation(body: Uint8Array): number | undefined {
  const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0];
  if (body.length < 14 || !EXIF.every((b, i) => body[i] === b)) return undefined;
  const tiff = body.subarray(6);
  const little = tiff[0] === 0x49 && tiff[1] === 0x49; // "II"; "MM" is big-endian
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined;
  const u16 = (i: number) => (little ? tiff[i] | (tiff[i + 1] << 8) : (tiff[i] << 8) | tiff[i + 1]);
  const u32 = (i: number) => (little ? u16(i) + u16(i + 2) * 65536 : u16(i) * 65536 + u16(i + 2));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8); // a SHORT, left-justified in the value field
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}
