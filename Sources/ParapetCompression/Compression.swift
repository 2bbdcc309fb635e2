import HTTPTypes
import NIOCore
public import ParapetCore

/// Compresses responses with the best content coding the client accepts — Brotli, Zstandard, gzip or deflate —
/// negotiated from `Accept-Encoding` by RFC 9110's rules (`q` weights, `q=0` refusals, `*`, `identity`,
/// the server's order among equals).
///
/// A response is left as it is when it is to a `HEAD`, is `1xx`, `204`, `206` or `304`, already has a
/// `Content-Encoding` or a `Content-Range`, says `Cache-Control: no-transform`, is shorter than
/// ``Options/minimumLength``, or has a media type outside ``Options/types``. Every response that could be
/// compressed says `Vary: Accept-Encoding` (merged with what is there), whether or not this client got a
/// compressed one (unless ``Options/addsVary`` is off). A compressed response loses `Content-Length` (unless it was in memory and is sent
/// with its new length) and a strong `ETag` becomes weak. Streamed bodies are compressed chunk by chunk
/// and flushed as they arrive, never buffered whole.
///
/// ```swift
/// server.use(Compression())                                   // br, zstd, gzip, deflate
/// server.use(Compression(Compression.Options(codings: [.gzip], level: 9)))
/// ```
public struct Compression: Middleware {
    /// What is compressed, and how.
    public struct Options: Sendable {
        /// The codings offered, in the server's order of preference. Default: `br`, `zstd`, `gzip`, `deflate`.
        public var codings: [ContentCoding]
        /// zlib level (1–9) for gzip and deflate; default 6.
        public var level: Int
        /// Brotli quality (0–11); default 4, a good speed/size balance for dynamic content.
        public var brotliQuality: Int
        /// Zstandard level (1–19); default 3, zstd's own default. The "ultra" levels 20–22 are refused: their
        /// windows exceed the 8 MiB that RFC 9659 lets browsers refuse.
        public var zstdLevel: Int
        /// Bodies known to be shorter than this many bytes are not compressed; default 860 (Go parapet's).
        public var minimumLength: Int
        /// The media types compressed (parameters ignored, case-insensitive); `["*"]` for all.
        public var types: Set<String>
        /// Whether a compressible response says `Vary: Accept-Encoding`; default `true`. Turn it off only when
        /// no shared cache stores these responses, or one that keys on `Accept-Encoding` by itself: without it
        /// a cache may hand one client's coding to another client that cannot decode it.
        public var addsVary: Bool

        /// Creates options.
        public init(
            codings: [ContentCoding] = [.brotli, .zstd, .gzip, .deflate], level: Int = 6, brotliQuality: Int = 4,
            zstdLevel: Int = 3, minimumLength: Int = 860, types: Set<String> = Options.textTypes, addsVary: Bool = true
        ) {
            self.codings = codings
            self.level = level
            self.brotliQuality = brotliQuality
            self.zstdLevel = zstdLevel
            self.minimumLength = minimumLength
            self.types = types
            self.addsVary = addsVary
        }

        /// The level `coding` is applied at.
        func level(of coding: ContentCoding) -> Int {
            switch coding {
            case .brotli: brotliQuality
            case .zstd: zstdLevel
            case .gzip, .deflate: level
            }
        }

        /// Text-like types worth compressing: HTML, CSS, JavaScript, JSON, XML, SVG, plain text, fonts
        /// without their own compression, manifests.
        public static let textTypes: Set<String> = [
            "text/html", "text/css", "text/plain", "text/javascript", "text/xml", "text/markdown", "text/csv",
            "text/event-stream", "text/x-component", "application/javascript", "application/x-javascript",
            "application/json", "application/ld+json", "application/manifest+json", "application/xml",
            "application/xhtml+xml", "application/rss+xml", "application/atom+xml", "application/wasm",
            "application/vnd.ms-fontobject", "application/x-font-ttf", "application/x-web-app-manifest+json",
            "font/ttf", "font/otf", "font/opentype", "image/svg+xml", "image/x-icon",
        ]
    }

    public let options: Options

    /// Creates the middleware.
    public init(_ options: Options = Options()) {
        self.options = options
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        guard !options.codings.isEmpty else { throw CompressionConfigurationError.noCodings }
        guard (1...9).contains(options.level) else { throw CompressionConfigurationError.level(options.level) }
        guard (0...11).contains(options.brotliQuality) else {
            throw CompressionConfigurationError.brotliQuality(options.brotliQuality)
        }
        guard (1...19).contains(options.zstdLevel) else { throw CompressionConfigurationError.zstdLevel(options.zstdLevel) }
        guard options.minimumLength >= 0 else { throw CompressionConfigurationError.minimumLength(options.minimumLength) }
        return CompressingHandler(options: options, next: next)
    }
}

/// A ``Compression`` option that makes no sense.
public enum CompressionConfigurationError: Error, Equatable, CustomStringConvertible {
    case noCodings
    case level(Int)
    case brotliQuality(Int)
    case zstdLevel(Int)
    case minimumLength(Int)

    public var description: String {
        switch self {
        case .noCodings: "Compression.Options.codings is empty"
        case .level(let level): "Compression.Options.level must be 1...9, not \(level)"
        case .brotliQuality(let quality): "Compression.Options.brotliQuality must be 0...11, not \(quality)"
        case .zstdLevel(let level): "Compression.Options.zstdLevel must be 1...19, not \(level)"
        case .minimumLength(let length): "Compression.Options.minimumLength must not be negative, not \(length)"
        }
    }
}
