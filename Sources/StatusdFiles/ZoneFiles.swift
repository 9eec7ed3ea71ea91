
/// Time zone data for `maintenance:` windows: the TZif file of a zone under /usr/share/zoneinfo
/// (Debian's tzdata), handed to the core as bytes. The core checks the name's shape (no `..`,
/// no absolute path) before it asks.
package enum ZoneFiles {
    package static let directory = "/usr/share/zoneinfo"

    @Sendable package static func read(_ name: String) -> [UInt8]? {
        guard !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else { return nil }
        return FileBytes.read(directory + "/" + name)
    }
}
