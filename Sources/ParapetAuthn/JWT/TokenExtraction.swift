import HTTPTypes
import ParapetCore

/// Finds a request's token in the configured places.
enum TokenExtraction {
    static func token(in request: Request, sources: [JWT.TokenSource]) -> [UInt8]? {
        for source in sources {
            switch source {
            case .bearer:
                if let token = bearer(request.headerFields[.authorization]) { return token }
            case .cookie(let name):
                for field in request.headerFields[values: .cookie] {
                    for pair in field.split(separator: ";") {
                        let trimmed = pair.drop { $0 == " " }
                        if trimmed.hasPrefix(name + "="), case let value = trimmed.dropFirst(name.count + 1),
                            !value.isEmpty
                        {
                            return Array(value.utf8)
                        }
                    }
                }
            case .query(let name):
                guard let path = request.path, let mark = path.firstIndex(of: "?") else { continue }
                for pair in path[path.index(after: mark)...].split(separator: "&") where pair.hasPrefix(name + "=") {
                    let value = pair.dropFirst(name.count + 1)
                    if !value.isEmpty { return Array(value.utf8) }
                }
            }
        }
        return nil
    }

    /// The credentials of `Authorization: Bearer <token>`, the scheme in any case.
    static func bearer(_ field: String?) -> [UInt8]? {
        credentials(field, scheme: "bearer").map { Array($0.utf8) }
    }

    /// What follows `scheme` (compared without case) and one or more spaces in an `Authorization` value.
    static func credentials(_ field: String?, scheme: String) -> Substring? {
        guard let field, let space = field.firstIndex(of: " ") else { return nil }
        guard field[..<space].lowercased() == scheme else { return nil }
        let rest = field[space...].drop { $0 == " " }
        return rest.isEmpty ? nil : rest
    }
}
