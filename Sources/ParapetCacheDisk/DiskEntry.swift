import ParapetCache

/// What a ``DiskCacheStore`` keeps in memory for one stored response: its head (with an empty body) and
/// the file holding the rest.
struct DiskEntry: StoredVariant {
    var response: CachedResponse
    /// The file's number, unique within the directory; it names the file.
    var number: UInt64
    var header: DiskEntryFile.Header

    /// The bytes it takes on disk, which the store's budget counts.
    var cost: Int { header.fileSize }
}
