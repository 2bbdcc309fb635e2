import Foundation
import HTTPTypes
import Logging
import ParapetCore
import ParapetTesting
import Synchronization
import Testing

@testable import ParapetAuthn

/// An endpoint that reports the user it was handed and whether the Authorization field reached it.
let echoUser = Endpoint { request, context in
    .text("user=\(context.basicAuthUser ?? "-") authorization=\(request.headerFields[.authorization] ?? "-")")
}

func basic(_ user: String, _ password: String) -> HTTPFields {
    [.authorization: "Basic " + Base64URL.encodeStandard(Array("\(user):\(password)".utf8))]
}

@Suite("Basic auth")
struct BasicAuthTests {
    /// An htpasswd file made by Debian's apache2-utils (bcrypt, Apache MD5, SHA-1) and Python's `crypt`
    /// (SHA-256 and SHA-512 crypt).
    static func htpasswdFile() async throws -> String {
        var lines: [String] = []
        lines.append(try await runTool("/usr/bin/htpasswd", ["-nbB", "alice", "bcrypt-pass"]))
        lines.append(try await runTool("/usr/bin/htpasswd", ["-nbm", "bob", "md5-pass"]))
        lines.append(try await runTool("/usr/bin/htpasswd", ["-nbs", "carol", "sha1-pass"]))
        let crypt =
            "import crypt, sys; print(sys.argv[1] + ':' + crypt.crypt(sys.argv[2], crypt.mksalt(getattr(crypt, sys.argv[3]))))"
        lines.append(try await runPython(crypt, arguments: ["dave", "sha256-pass", "METHOD_SHA256"]))
        lines.append(try await runPython(crypt, arguments: ["erin", "sha512-pass", "METHOD_SHA512"]))
        return "# made by the test\n"
            + lines.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: "\n") + "\n"
    }

    @Test(
        "htpasswd files from apache2-utils and Python's crypt verify each user, and refuse wrong passwords",
        .timeLimit(.minutes(1)))
    func htpasswdSchemes() async throws {
        let text = try await Self.htpasswdFile()
        let file = try Htpasswd(parsing: text)
        #expect(file.users == ["alice", "bob", "carol", "dave", "erin"])
        #expect(text.contains("alice:$2y$") && text.contains("bob:$apr1$") && text.contains("carol:{SHA}"))
        #expect(text.contains("dave:$5$") && text.contains("erin:$6$"))
        for (user, password) in [
            ("alice", "bcrypt-pass"), ("bob", "md5-pass"), ("carol", "sha1-pass"), ("dave", "sha256-pass"),
            ("erin", "sha512-pass"),
        ] {
            #expect(file.verify(user: user, password: password), "\(user)")
            #expect(!file.verify(user: user, password: password + "x"), "\(user)")
        }
        #expect(!file.verify(user: "mallory", password: "bcrypt-pass"))
    }

    @Test("the middleware admits good credentials, strips Authorization, and challenges with realm and charset")
    func middleware() async throws {
        let log = Mutex<[BasicAuth.Outcome]>([])
        let chain = Middlewares()
        chain.use(
            BasicAuth.users(
                ["admin": "p4ss:word"],
                options: .init(realm: "ops", observe: { outcome in log.withLock { $0.append(outcome) } })))
        chain.use(echoUser)
        try await chain.test { client in
            let good = try await client.execute(.get, "/", headers: basic("admin", "p4ss:word"))
            #expect(good.status == .ok)
            #expect(good.text == "user=admin authorization=-")
            let wrong = try await client.execute(.get, "/", headers: basic("admin", "p4ss"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headerFields[.wwwAuthenticate] == #"Basic realm="ops", charset="UTF-8""#)
            let missing = try await client.execute(.get, "/")
            let malformed = try await client.execute(.get, "/", headers: [.authorization: "basic !!!"])
            #expect([missing.status, malformed.status] == [.unauthorized, .unauthorized])
        }
        #expect(
            log.withLock { $0 } == [
                .accepted(user: "admin"), .wrongCredentials(user: "admin"), .missingCredentials, .malformedCredentials,
            ])
    }

    @Test("htpasswd lines that cannot be used are named")
    func badFiles() {
        #expect(throws: HtpasswdError.malformedLine(2)) { try Htpasswd(parsing: "a:{SHA}x\nnocolon\n") }
        #expect(throws: HtpasswdError.unsupportedHash(line: 1, user: "a")) { try Htpasswd(parsing: "a:plaintext\n") }
        #expect(throws: HtpasswdError.duplicateUser(line: 2, user: "a")) {
            try Htpasswd(parsing: "a:{SHA}x\na:{SHA}y\n")
        }
        #expect(throws: HtpasswdError.unsupportedHash(line: 1, user: "slow")) {
            try Htpasswd(parsing: "slow:$2y$31$abc\n")
        }
        #expect(throws: HtpasswdError.unsupportedHash(line: 1, user: "slow")) {
            try Htpasswd(parsing: "slow:$6$rounds=999999999$s$h\n")
        }
    }

    @Test("Apache MD5 matches the published example")
    func apacheMD5() {
        // As `openssl passwd -apr1 -salt r31..... myPassword` prints it.
        #expect(ApacheMD5.hash("myPassword", salt: "r31.....") == "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/")
    }

    @Test("a configuration realm that cannot be quoted is refused")
    func badRealm() async throws {
        await #expect(throws: ConfigurationError.self) {
            try await BasicAuth.users([:], options: .init(realm: "a\"b")).test { _ in }
        }
    }
}
