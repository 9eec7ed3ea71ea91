/// Byte constants for the parsers' hot paths.

enum ASCII {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let dash: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let colon: UInt8 = 0x3A
    static let slash: UInt8 = 0x2F
    static let cr: UInt8 = 0x0D

    static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }
    static func digit(_ b: UInt8) -> Int { Int(b &- zero) }
}
