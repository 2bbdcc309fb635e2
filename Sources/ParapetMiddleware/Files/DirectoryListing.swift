import HTTPTypes
import NIOFileSystem
import ParapetCore

/// The HTML page listing a directory's entries, for a ``FileServer`` with listing turned on: names sorted,
/// directories marked with a trailing `/`, every name escaped for HTML and percent-encoded in its link.
enum DirectoryListing {
    static func response(for directory: String, requestPath: String, method: HTTPRequest.Method) async throws -> Response {
        var entries: [String] = []
        try await FileSystem.shared.withDirectoryHandle(atPath: FilePath(directory)) { handle in
            for try await entry in handle.listContents() {
                entries.append(entry.type == .directory ? entry.name.string + "/" : entry.name.string)
            }
        }
        entries.sort()
        let title = HTMLEscaping.escape(requestPath.split(separator: "?").first.map(String.init) ?? "/")
        var page = "<!doctype html>\n<meta charset=\"utf-8\">\n<title>\(title)</title>\n<h1>\(title)</h1>\n<ul>\n"
        for name in entries {
            page += "<li><a href=\"\(percentEncoded(name))\">\(HTMLEscaping.escape(name))</a></li>\n"
        }
        page += "</ul>\n"
        var response = Response(status: .ok, headerFields: [.contentType: "text/html; charset=utf-8"])
        if method == .head {
            response.headerFields[.contentLength] = String(page.utf8.count)
        } else {
            response.body = HTTPBody(string: page)
        }
        return response
    }

    /// `name` with every byte outside the unreserved set (and `/`) percent-encoded.
    static func percentEncoded(_ name: String) -> String {
        var encoded = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return encoded
    }
}
