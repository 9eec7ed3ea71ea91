#if canImport(Glibc)
import Glibc
#endif

/// A failed system call's `errno`, as an error that says what it means (`strerror`).
public struct Errno: Error, Equatable, CustomStringConvertible {
    public var code: Int32
    public init(_ code: Int32) { self.code = code }
    public var description: String { String(cString: strerror(code)) }
}
