"""Vietnamese names people read in place of our codes (inbox folders → the systems they come from)."""
SOURCE_NAMES = {"units": "Biểu mẫu đơn vị", "onestop": "Một cửa (hồ sơ TTHC)", "procedures": "Danh mục TTHC",
                "qlvb": "Quản lý văn bản", "ioc_feedback": "Phản ánh hiện trường (IOC)",
                "ioc_accounts": "Tài khoản app IOC"}
