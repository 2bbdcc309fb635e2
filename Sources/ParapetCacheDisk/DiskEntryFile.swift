import HTTPTypes
import NIOCore
import ParapetCache
import ParapetCore

/// The bytes of one entry of a ``DiskCacheStore``: a fixed header, the entry's metadata, then its body.
///
/// ```
/// "PCE1"  metadata length (UInt32)  body length (UInt64)  metadata  body
/// ```
///
/// One file per entry, as nginx keeps its cache: a single rename commits the head and the body together,
/// so no crash can pair one entry's head with another's body. A file whose size is not what its header
/// says was cut short (a crash without the rename, a power cut, a full disk) and is never served.
enum DiskEntryFile {
    /// The bytes before the metadata.
    static let headerLength = 16
    private static let magic: UInt32 = 0x5043_4531  // "PCE1"

    /// What a file's header says.
    struct Header: Equatable {
        var metadataLength: Int
        var bodyLength: Int

        /// The size of a complete file.
        var fileSize: Int { DiskEntryFile.headerLength + metadataLength + bodyLength }
    }

    /// The file of `response`, stored for `key`.
    static func encode(_ response: CachedResponse, key: String) -> ByteBuffer {
        var metadata = ByteBuffer()
        metadata.writeText(key)
        metadata.writeInteger(UInt16(response.status.code))
        metadata.writeText(response.status.reasonPhrase)
        metadata.writeInteger(UInt32(response.headerFields.count))
        for field in response.headerFields {
            metadata.writeText(field.name.rawName)
            metadata.writeText(field.value)
        }
        metadata.writeInteger(UInt8(response.control.isTargeted ? 1 : 0))
        metadata.writeInteger(UInt32(response.control.directives.count))
        for directive in response.control.directives {
            metadata.writeText(directive.name)
            metadata.writeOptional(directive.argument)
        }
        metadata.writeDuration(response.age.initial)
        metadata.writeDuration(response.age.receivedAtWallTime.sinceEpoch)
        metadata.writeDuration(response.freshnessLifetime)
        metadata.writeInteger(UInt32(response.variant.fields.count))
        for field in response.variant.fields {
            metadata.writeText(field.name)
            metadata.writeOptional(field.value)
        }
        metadata.writeInteger(UInt32(response.tags.count))
        for tag in response.tags { metadata.writeText(tag) }

        var file = ByteBuffer()
        file.reserveCapacity(headerLength + metadata.readableBytes + response.body.readableBytes)
        file.writeInteger(magic)
        file.writeInteger(UInt32(metadata.readableBytes))
        file.writeInteger(UInt64(response.body.readableBytes))
        file.writeImmutableBuffer(metadata)
        file.writeImmutableBuffer(response.body)
        return file
    }

    /// The header at the start of `bytes`; `nil` when it is not one.
    static func header(_ bytes: ByteBuffer) -> Header? {
        var bytes = bytes
        guard bytes.readInteger(as: UInt32.self) == magic,
            let metadataLength = bytes.readInteger(as: UInt32.self),
            let bodyLength = bytes.readInteger(as: UInt64.self), bodyLength <= UInt64(Int32.max)
        else { return nil }
        return Header(metadataLength: Int(metadataLength), bodyLength: Int(bodyLength))
    }

    /// Whether `file`, a whole entry file, holds the entry stored for `key` — so a file replaced behind
    /// the store's back by one of the same size is not served for another key.
    static func holds(_ key: String, in file: ByteBuffer) -> Bool {
        var metadata = file
        guard metadata.readSlice(length: headerLength) != nil, let stored = metadata.readText() else { return false }
        return stored == key
    }

    /// The key and the response in `metadata`, with an empty body; `nil` when the bytes are not metadata
    /// this version wrote. `now` and `wallNow` place the response's arrival on this run's clocks.
    static func decode(
        metadata: ByteBuffer, now: MonotonicInstant, wallNow: WallInstant
    ) -> (key: String, response: CachedResponse)? {
        var bytes = metadata
        guard let key = bytes.readText(),
            let code = bytes.readInteger(as: UInt16.self), (100...999).contains(code),
            let reason = bytes.readText(),
            let fieldCount = bytes.readCount()
        else { return nil }
        var fields = HTTPFields()
        for _ in 0..<fieldCount {
            guard let name = bytes.readText().flatMap({ HTTPField.Name($0) }),
                let value = bytes.readText()
            else { return nil }
            fields.append(HTTPField(name: name, value: value))
        }
        guard let targeted = bytes.readInteger(as: UInt8.self), targeted <= 1,
            let directiveCount = bytes.readCount()
        else { return nil }
        var directives: [CacheControl.Directive] = []
        for _ in 0..<directiveCount {
            guard let name = bytes.readText(), let argument = bytes.readOptional() else { return nil }
            directives.append(CacheControl.Directive(name: name, argument: argument))
        }
        guard let initialAge = bytes.readDuration(), let receivedAt = bytes.readDuration(),
            let lifetime = bytes.readDuration(), let variantCount = bytes.readCount()
        else { return nil }
        var variantFields: [Variant.Field] = []
        for _ in 0..<variantCount {
            guard let name = bytes.readText(), let value = bytes.readOptional() else { return nil }
            variantFields.append(Variant.Field(name: name, value: value))
        }
        guard let tagCount = bytes.readCount() else { return nil }
        var tags: [String] = []
        for _ in 0..<tagCount {
            guard let tag = bytes.readText() else { return nil }
            tags.append(tag)
        }
        guard bytes.readableBytes == 0 else { return nil }
        let age = ResponseAge(
            initial: initialAge, receivedAtWallTime: WallInstant(sinceEpoch: receivedAt), now: now, wallNow: wallNow)
        let response = CachedResponse(
            status: HTTPResponse.Status(code: Int(code), reasonPhrase: reason), headerFields: fields,
            control: CacheControl(directives: directives, isTargeted: targeted == 1), body: ByteBuffer(), age: age,
            freshnessLifetime: lifetime, variant: Variant(fields: variantFields), tags: tags)
        return (key, response)
    }
}

extension ByteBuffer {
    fileprivate mutating func writeText(_ text: String) {
        writeInteger(UInt32(text.utf8.count))
        writeString(text)
    }

    fileprivate mutating func writeOptional(_ text: String?) {
        writeInteger(UInt8(text == nil ? 0 : 1))
        if let text { writeText(text) }
    }

    fileprivate mutating func writeDuration(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        writeInteger(seconds)
        writeInteger(attoseconds)
    }

    fileprivate mutating func readText() -> String? {
        guard let length = readInteger(as: UInt32.self), length <= readableBytes else { return nil }
        return readString(length: Int(length))
    }

    fileprivate mutating func readOptional() -> String?? {
        switch readInteger(as: UInt8.self) {
        case 0: return .some(nil)
        case 1: return readText().map { .some($0) }
        default: return nil
        }
    }

    /// A count of items that each take at least one byte, so a corrupt count cannot make a reader loop
    /// far past the bytes there are.
    fileprivate mutating func readCount() -> Int? {
        guard let count = readInteger(as: UInt32.self), count <= readableBytes else { return nil }
        return Int(count)
    }

    fileprivate mutating func readDuration() -> Duration? {
        guard let seconds = readInteger(as: Int64.self), let attoseconds = readInteger(as: Int64.self),
            (-999_999_999_999_999_999...999_999_999_999_999_999).contains(attoseconds)
        else { return nil }
        return Duration(secondsComponent: seconds, attosecondsComponent: attoseconds)
    }
}
