/// A content coding the compression middleware can apply (RFC 9110 §8.4.1).
///
/// ```swift
/// Compression(codings: [.brotli, .zstd, .gzip])   // br when the client takes it, else zstd, else gzip
/// ```
public enum ContentCoding: String, Sendable, CaseIterable {
    /// `br`: Brotli (RFC 7932), over the system libbrotli.
    case brotli = "br"
    /// `zstd`: Zstandard (RFC 8878, RFC 9659), over the system libzstd; current Chrome and Firefox accept it.
    case zstd
    /// `gzip` (RFC 1952), over the system zlib.
    case gzip
    /// `deflate`: the zlib format (RFC 1950) wrapping DEFLATE — what HTTP's `deflate` means.
    case deflate

    /// The token in `Accept-Encoding` and `Content-Encoding`.
    public var token: String { rawValue }
}
