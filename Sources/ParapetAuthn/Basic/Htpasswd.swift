import Crypto

/// The users of an htpasswd file, as a ready-made ``BasicAuth`` verifier.
///
/// Lines are `user:hash`; blank lines and lines starting with `#` are skipped. Hashes may be bcrypt
/// (`htpasswd -B`), SHA-crypt `$5$`/`$6$`, Apache MD5 (`htpasswd -m`) or `{SHA}` (`htpasswd -s`); any
/// other form makes the whole file fail to load, naming the line, rather than lock a user out silently.
///
/// ```swift
/// let users = try Htpasswd(parsing: String(contentsOfFile: "/etc/parapet/htpasswd", encoding: .utf8))
/// server.use(BasicAuth.htpasswd(users, options: .init(realm: "admin")))
/// ```
public struct Htpasswd: Sendable {
    struct Entry: Sendable {
        let userDigest: SHA256Digest
        let hash: PasswordHash
    }

    let entries: [Entry]
    /// The users the file names, in file order.
    public let users: [String]

    /// Parses an htpasswd file's text.
    ///
    /// - Throws: ``HtpasswdError`` naming the first bad line.
    public init(parsing text: String) throws(HtpasswdError) {
        var entries: [Entry] = []
        var users: [String] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .malformedLine(index + 1)
            }
            let user = String(line[..<colon])
            guard let hash = PasswordHash(String(line[line.index(after: colon)...])) else {
                throw .unsupportedHash(line: index + 1, user: user)
            }
            guard !users.contains(user) else { throw .duplicateUser(line: index + 1, user: user) }
            users.append(user)
            entries.append(Entry(userDigest: SHA256.hash(data: Array(user.utf8)), hash: hash))
        }
        self.entries = entries
        self.users = users
    }

    /// Whether `password` is `user`'s. Every entry is looked at, and an unknown user costs a hash check
    /// too, so the time taken does not tell which users exist.
    public func verify(user: String, password: String) -> Bool {
        let digest = SHA256.hash(data: Array(user.utf8))
        var found: PasswordHash?
        for entry in entries where ConstantTime.digestsEqual(entry.userDigest, digest) {
            found = entry.hash
        }
        guard let hash = found ?? entries.first?.hash else { return false }
        return hash.matches(password) && found != nil
    }
}

/// A line of an htpasswd file that cannot be used.
public enum HtpasswdError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `user:hash`.
    case malformedLine(Int)
    /// A hash form Parapet does not check (DES crypt, plain text, an unknown `$id$`).
    case unsupportedHash(line: Int, user: String)
    /// The user appears twice.
    case duplicateUser(line: Int, user: String)

    public var description: String {
        switch self {
        case .malformedLine(let line): return "htpasswd line \(line) is not user:hash"
        case .unsupportedHash(let line, let user):
            return
                "htpasswd line \(line) (user \(user)): unsupported hash; use bcrypt (htpasswd -B), $5$/$6$, $apr1$ or {SHA}"
        case .duplicateUser(let line, let user): return "htpasswd line \(line): user \(user) appears twice"
        }
    }
}
