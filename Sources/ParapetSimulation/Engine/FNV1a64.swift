/// The 64-bit FNV-1a hash: a tiny, well-known, process-independent hash for stable identifiers.
///
/// Swift's `Hasher` is seeded per process, so it can never name a random stream or fingerprint a
/// trace that must be identical across runs. FNV-1a gives the same answer in every process, on every
/// machine, for the same bytes.
///
/// ```swift
/// var hash = FNV1a64()
/// hash.combine("worker-7")
/// hash.combine(UInt64(42))
/// let fingerprint = hash.value
/// ```
public struct FNV1a64: Sendable, Hashable {
    /// The FNV-1a 64-bit offset basis: the hash of no bytes.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The FNV-1a 64-bit prime.
    ///
    /// ```swift
    /// let step = (FNV1a64.offsetBasis ^ 0x61) &* FNV1a64.prime  // the hash of "a"
    /// ```
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash of every byte combined so far.
    ///
    /// ```swift
    /// var hash = FNV1a64()
    /// hash.combine("a")
    /// assert(hash.value == 0xaf63_dc4c_8601_ec8c)
    /// ```
    public private(set) var value: UInt64

    /// Creates a hash of no bytes.
    public init() {
        value = Self.offsetBasis
    }

    /// Combines one byte.
    ///
    /// ```swift
    /// var hash = FNV1a64()
    /// hash.combine(byte: 0x61)
    /// ```
    public mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    /// Combines a sequence of bytes in order.
    ///
    /// ```swift
    /// var hash = FNV1a64()
    /// hash.combine(bytes: [0x66, 0x6f, 0x6f])
    /// ```
    public mutating func combine<Bytes: Sequence<UInt8>>(bytes: Bytes) {
        var hash = value
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* Self.prime
        }
        value = hash
    }

    /// Combines the UTF-8 bytes of `text` (without a length prefix).
    ///
    /// ```swift
    /// var hash = FNV1a64()
    /// hash.combine("foobar")
    /// assert(hash.value == 0x8594_4171_f739_67e8)
    /// ```
    public mutating func combine(_ text: String) {
        let combined: Void? = text.utf8.withContiguousStorageIfAvailable { buffer in
            var hash = value
            for index in buffer.indices {
                hash = (hash ^ UInt64(buffer[index])) &* Self.prime
            }
            value = hash
        }
        if combined == nil {
            combine(bytes: text.utf8)
        }
    }

    /// Combines the eight bytes of `word`, least significant first.
    ///
    /// ```swift
    /// var hash = FNV1a64()
    /// hash.combine(UInt64(3_600))
    /// ```
    public mutating func combine(_ word: UInt64) {
        var hash = value
        var remaining = word
        for _ in 0..<8 {
            hash = (hash ^ (remaining & 0xff)) &* Self.prime
            remaining >>= 8
        }
        value = hash
    }

    /// The FNV-1a hash of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> UInt64 {
        var hash = FNV1a64()
        hash.combine(text)
        return hash.value
    }
}
