// htpasswd files (Htpasswd(parsing:)) and the hash checks behind them, on arbitrary text. Properties: nothing
// traps; a file that loads names each user once; checking any password against any of its users (and an
// unknown one) returns rather than traps, and never admits the unknown user.
import FuzzSupport

@testable import ParapetAuthn

fuzz { raw in
    var input = FuzzInput(raw)
    let password = String(decoding: input.remainingBytes.prefix(16), as: UTF8.self)
    let text = input.remainingText
    guard let file = try? Htpasswd(parsing: text) else { return }
    precondition(Set(file.users).count == file.users.count, "a user loaded twice")
    // bcrypt and SHA-crypt cost up to seconds a check (by design): only the cheap schemes are checked here.
    guard !text.contains("$2"), !text.contains("$5$"), !text.contains("$6$") else { return }
    for user in file.users.prefix(4) { _ = file.verify(user: user, password: password) }
    precondition(!file.verify(user: "\u{0}unknown", password: password), "an unknown user was admitted")
}
