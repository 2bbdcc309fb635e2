import Crypto

/// Apache's `$apr1$` hash (`htpasswd -m`): FreeBSD's MD5-crypt with another magic string. Obsolete and
/// weak, but still the default of many htpasswd files, so it is accepted when reading them.
enum ApacheMD5 {
    private static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `$apr1$<salt>$<hash>` for `password` with `salt` (at most 8 characters are used).
    static func hash(_ password: String, salt: String) -> String {
        let password = Array(password.utf8)
        let salt = Array(salt.utf8.prefix(8))
        let magic = Array("$apr1$".utf8)
        var alternate = Insecure.MD5()
        alternate.update(data: password + salt + password)
        let alternateDigest = Array(alternate.finalize())
        var context = Insecure.MD5()
        context.update(data: password + magic + salt)
        var remaining = password.count
        while remaining > 0 {
            context.update(data: alternateDigest.prefix(min(16, remaining)))
            remaining -= 16
        }
        var bits = password.count
        while bits > 0 {
            context.update(data: bits & 1 == 1 ? [0] : [password.first ?? 0])
            bits >>= 1
        }
        var digest = Array(context.finalize())
        for round in 0..<1000 {
            var next = Insecure.MD5()
            next.update(data: round & 1 == 1 ? password : digest)
            if round % 3 != 0 { next.update(data: salt) }
            if round % 7 != 0 { next.update(data: password) }
            next.update(data: round & 1 == 1 ? digest : password)
            digest = Array(next.finalize())
        }
        var encoded: [UInt8] = []
        func append(_ a: UInt8, _ b: UInt8, _ c: UInt8, count: Int) {
            var value = UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
            for _ in 0..<count {
                encoded.append(alphabet[Int(value & 0x3F)])
                value >>= 6
            }
        }
        append(digest[0], digest[6], digest[12], count: 4)
        append(digest[1], digest[7], digest[13], count: 4)
        append(digest[2], digest[8], digest[14], count: 4)
        append(digest[3], digest[9], digest[15], count: 4)
        append(digest[4], digest[10], digest[5], count: 4)
        append(0, 0, digest[11], count: 2)
        return "$apr1$" + String(decoding: salt, as: UTF8.self) + "$" + String(decoding: encoded, as: UTF8.self)
    }
}
