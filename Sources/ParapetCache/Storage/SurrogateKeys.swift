public import HTTPTypes
import ParapetCore

/// The tags a response is stored with, for purging every response that carries one: the members of
/// `Cache-Tag` (comma-separated, as Cloudflare and the Go original write them) and of `Surrogate-Key`
/// (space-separated, as Fastly writes them), in order and without repeats.
///
/// At most ``maxCount`` tags of at most ``maxLength`` bytes are kept, as the Go original does; a longer
/// tag is skipped rather than cut, since a cut tag would match another.
enum SurrogateKeys {
    static let maxCount = 64
    static let maxLength = 256

    static func of(_ fields: HTTPFields) -> [String] {
        var tags: [String] = []
        var seen: Set<Substring> = []
        func add(_ members: [Substring]) {
            for member in members {
                let tag = member.trimmingWhitespace
                guard tags.count < maxCount, !tag.isEmpty, tag.utf8.count <= maxLength, seen.insert(tag).inserted
                else { continue }
                tags.append(String(tag))
            }
        }
        for line in fields[values: .cacheTag] { add(line.split(separator: ",")) }
        for line in fields[values: .surrogateKey] { add(line.split(whereSeparator: { $0 == " " || $0 == "\t" })) }
        return tags
    }
}

extension HTTPField.Name {
    /// `Cache-Tag`: comma-separated tags to purge a response by.
    public static let cacheTag = HTTPField.Name("Cache-Tag")!
    /// `Surrogate-Key`: space-separated tags to purge a response by.
    public static let surrogateKey = HTTPField.Name("Surrogate-Key")!
}
