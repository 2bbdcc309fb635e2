// The disk cache's entry files (DiskEntryFile), as a restart reads them back from a directory that may
// hold anything: a header and metadata that parse are re-encoded and parsed again to the same entry, and
// the body length a header promises is never negative or past what `Int32` holds.
import FuzzSupport
import NIOCore
import ParapetCore

@testable import ParapetCache
@testable import ParapetCacheDisk

fuzz { raw in
    let file = ByteBuffer(bytes: raw)
    guard let header = DiskEntryFile.header(file) else { return }
    precondition((0...Int(Int32.max)).contains(header.bodyLength), "body length \(header.bodyLength)")
    guard
        let metadata = file.getSlice(
            at: DiskEntryFile.headerLength,
            length: min(header.metadataLength, file.readableBytes - DiskEntryFile.headerLength)),
        let (key, response) = DiskEntryFile.decode(
            metadata: metadata, now: .zero, wallNow: WallInstant(secondsSinceEpoch: 0))
    else { return }
    let again = DiskEntryFile.encode(response, key: key)
    let againHeader = DiskEntryFile.header(again)!
    let (keyAgain, responseAgain) = DiskEntryFile.decode(
        metadata: again.getSlice(at: DiskEntryFile.headerLength, length: againHeader.metadataLength)!, now: .zero,
        wallNow: WallInstant(secondsSinceEpoch: 0))!
    precondition(keyAgain == key, "key")
    precondition(responseAgain.status == response.status, "status")
    precondition(responseAgain.headerFields == response.headerFields, "fields")
    precondition(responseAgain.control == response.control, "control")
    precondition(responseAgain.age == response.age, "age")
    precondition(responseAgain.freshnessLifetime == response.freshnessLifetime, "lifetime")
    precondition(responseAgain.variant == response.variant, "variant")
    precondition(responseAgain.tags == response.tags, "tags")
}
