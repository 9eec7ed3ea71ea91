#if canImport(Glibc)
import Glibc
#endif

/// A failed system call's `errno`, as an error that says what it means (`strerror`).
package struct Errno: Error, Equatable, CustomStringConvertible {
    package var code: Int32
    package init(_ code: Int32) { self.code = code }
    package var description: String { String(cString: strerror(code)) }
}
