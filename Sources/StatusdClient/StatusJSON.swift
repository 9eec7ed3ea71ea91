import Foundation

/// The JSON of `statusd status` and `statusd replay --json`: sorted keys, pretty-printed.
///
/// One encoder for the daemon's answer and the client's reading of it, so both sides agree on
/// the document; it sits in the client module because the CLI decodes without the daemon.
package enum StatusJSON {
    package static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8)) + [10]
    }

    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
