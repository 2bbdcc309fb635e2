import CCrypt
import Crypto

/// A password hash as htpasswd files hold them, checked without leaking through timing more than the
/// hash function itself does.
///
/// bcrypt (`$2y$`, `$2a$`, `$2b$`) and SHA-crypt (`$5$`, `$6$`) go through the system's libxcrypt
/// (`crypt_r`); Apache's MD5 (`$apr1$`) and `{SHA}` are computed here, being simple and obsolete. Other
/// forms (DES crypt, plain text), bcrypt costs above 17 and SHA-crypt above a million rounds are refused
/// when the file is read: checking them would take each request seconds to minutes.
struct PasswordHash: Sendable, Equatable {
    enum Scheme: Sendable, Equatable {
        case crypt
        case apacheMD5
        case sha1
    }

    let scheme: Scheme
    let text: String

    /// The hash `text` names, or `nil` for an unsupported form.
    init?(_ text: String) {
        if text.hasPrefix("$2y$") || text.hasPrefix("$2a$") || text.hasPrefix("$2b$") {
            // htpasswd -C allows 4 to 17; a higher cost would make each request take minutes.
            guard let cost = Int(text.dropFirst(4).prefix(2)), (4...17).contains(cost) else { return nil }
            scheme = .crypt
        } else if text.hasPrefix("$5$") || text.hasPrefix("$6$") {
            if text.dropFirst(3).hasPrefix("rounds=") {
                let rounds = text.dropFirst(10).prefix { $0 != "$" }
                guard let count = Int(rounds), count <= 1_000_000 else { return nil }
            }
            scheme = .crypt
        } else if text.hasPrefix("$apr1$") {
            scheme = .apacheMD5
        } else if text.hasPrefix("{SHA}") {
            scheme = .sha1
        } else {
            return nil
        }
        self.text = text
    }

    /// Whether `password` hashes to this hash.
    func matches(_ password: String) -> Bool {
        switch scheme {
        case .crypt:
            return Self.crypt(password, setting: text).map { ConstantTime.equal(Array($0.utf8), Array(text.utf8)) }
                ?? false
        case .apacheMD5:
            let parts = text.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return false }
            return ConstantTime.equal(Array(ApacheMD5.hash(password, salt: String(parts[2])).utf8), Array(text.utf8))
        case .sha1:
            let digest = Array(Insecure.SHA1.hash(data: Array(password.utf8)))
            return ConstantTime.equal(Array(("{SHA}" + Base64URL.encodeStandard(digest)).utf8), Array(text.utf8))
        }
    }

    /// `crypt_r(3)` with its state on the heap (it is about 32 KiB); `nil` when libxcrypt refuses.
    static func crypt(_ password: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        data.initialize(to: crypt_data())
        guard let result = crypt_r(password, setting, data) else { return nil }
        let hashed = String(cString: result)
        // libxcrypt answers a failure with a string starting "*" rather than NULL.
        return hashed.hasPrefix("*") ? nil : hashed
    }
}
