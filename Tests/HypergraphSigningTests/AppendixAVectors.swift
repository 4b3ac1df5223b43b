// PROTOCOL.md Appendix A (test-vectors.json), copied verbatim: generated with libsecp256k1 (coincurve), blake3
// and hashlib by gen_test_vectors.py, an implementation independent of this one.

enum AppendixA {
    static let privateKey = "0xcd3e54a2359bf8fac1642af5ba3668eb58e21388c32355a61badbc3880e8a395"
    static let signaturePublicKey = "0x02e7b9de2273088b54dec15b9f46fb2b3c3641f2f4cd78ecf1c64963bcd228ac5f"
    static let uncompressed =
        "0x04e7b9de2273088b54dec15b9f46fb2b3c3641f2f4cd78ecf1c64963bcd228ac5f7d6ca2f76fc5b521316390bf0d6152171bf28fea6ba8e4b1e13bcd466b5430de"

    static let author = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    static let invitee = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
    static let spaceId = "5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11"
    static let inboxId = "0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c"
    static let ciphertext = "0xf8dcb34308e5c69f46a33cafa62bd922476b18c78a114eb144e34a5e374f7d60"

    /// A.2
    enum CreateSpace {
        static let event = """
            {"transaction":{"type":"create-space","id":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11",\
            "creatorAccountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},\
            "author":{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signature":\
            {"hex":"7b022f9ff88c01020329cfeae23717cc582680312cb591f5011cd7a5c37fc8c204bfc0a6440bd65338551c4c4558ee4b051f1500ed1da9c6c64e52efc9688d8b",\
            "recovery":1}}}
            """
        static let canonicalTransaction = """
            {"creatorAccountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","id":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11","type":"create-space"}
            """
        static let sha256 = "f5d6a8a5637b208606068b7632193394efa035d76cbc6472541c9e7e1969e8d2"
        static let canonicalEvent = """
            {"author":{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signature":\
            {"hex":"7b022f9ff88c01020329cfeae23717cc582680312cb591f5011cd7a5c37fc8c204bfc0a6440bd65338551c4c4558ee4b051f1500ed1da9c6c64e52efc9688d8b",\
            "recovery":1}},"transaction":{"creatorAccountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",\
            "id":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11","type":"create-space"}}
            """
        static let eventHash = "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513"
    }

    /// A.3
    enum CreateInvitation {
        static let event = """
            {"transaction":{"type":"create-invitation","id":"0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b",\
            "inviteeAccountAddress":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",\
            "previousEventHash":"0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513"},\
            "author":{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signature":\
            {"hex":"14a4ee89940fb1bc72f064e63014f946910a61f6291c3b657b2520bbc9a9566a4f8a91786d94ea5cc9c21e865a02b9a35192de682e565272fca41c9b58d3fd53",\
            "recovery":1}}}
            """
        static let canonicalTransaction = """
            {"id":"0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b","inviteeAccountAddress":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",\
            "previousEventHash":"0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513","type":"create-invitation"}
            """
        static let sha256 = "65e3e16899cdd2eddd7447d67214993cfbeb4571bc85cfb31a3920d72131faf5"
        static let canonicalEvent = """
            {"author":{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signature":\
            {"hex":"14a4ee89940fb1bc72f064e63014f946910a61f6291c3b657b2520bbc9a9566a4f8a91786d94ea5cc9c21e865a02b9a35192de682e565272fca41c9b58d3fd53",\
            "recovery":1}},"transaction":{"id":"0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b",\
            "inviteeAccountAddress":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",\
            "previousEventHash":"0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513","type":"create-invitation"}}
            """
        static let eventHash = "0x5edd68501c538f3174b8ed4e474f762e29dc0eea2b4812157e5e36006a8a56ef"
    }

    /// A.4 (the request is the example of PROTOCOL.md §4.12)
    enum CreateUpdate {
        static let request = """
            {"type":"create-update","accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",\
            "spaceId":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11","updateId":"c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b",\
            "update":{"__type":"Uint8Array","data":[0,1,2,3,4,5,6,7,8,9,10,11]},\
            "signature":{"hex":"9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176","recovery":0}}
            """
        static let updateId = "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"
        static let canonical = """
            {"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","spaceId":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11",\
            "update":{"0":0,"1":1,"10":10,"11":11,"2":2,"3":3,"4":4,"5":5,"6":6,"7":7,"8":8,"9":9},\
            "updateId":"c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"}
            """
        static let sha256 = "ce699bd30462f6a6d9b5a2770b931ae9a163f050edd2ec5e238aa3271c22ddf1"
        static let hex =
            "9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176"
        static let recovery = 0
    }

    /// A.5
    enum AccountInbox {
        static let encryptionPublicKey = "0x15cb9e9b4ecfe2e5924bbd55ac2394e36ae6296356d0ad4b0ff24e6df046b3af"
        static let canonical = """
            {"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",\
            "encryptionPublicKey":"0x15cb9e9b4ecfe2e5924bbd55ac2394e36ae6296356d0ad4b0ff24e6df046b3af",\
            "inboxId":"0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c"}
            """
        static let sha256 = "128c2c13aa7b7d84aedf68de0a23c90a57a52ca440a51bc5c32dcbf488f01f54"
        static let hex =
            "3c25cf75253170e1c95e5c8522e817df786a14fd0acdd54398e7f05c1a685f822bc42e4c7743d2f9abee258ddaffb4f395383e33540eefb16267d75816c4dffb"
        static let recovery = 0
    }

    /// A.6 (the message is the example of PROTOCOL.md §5.8)
    enum SpaceInboxMessage {
        static let message = """
            {"type":"space-inbox-message","spaceId":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11",\
            "inboxId":"0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c",\
            "message":{"id":"3f2a9c1e-4b7d-4e2a-9f10-7c8d9e0a1b2c","ciphertext":"0xf8dcb34308e5c69f46a33cafa62bd922476b18c78a114eb144e34a5e374f7d60",\
            "signature":{"hex":"76b875cdc2fb7e208c81825fee8ef69815ec10c6cdfaebca6b8a7a39d39ce2ba70d89a3d1ecb6dbd3e1742a0a15a4217f109a8e32fded882a91f7a1aa5b57569","recovery":1},\
            "authorAccountAddress":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","createdAt":"2025-06-30T12:34:56.789Z"}}
            """
        static let canonical = """
            {"authorAccountAddress":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",\
            "ciphertext":"0xf8dcb34308e5c69f46a33cafa62bd922476b18c78a114eb144e34a5e374f7d60",\
            "inboxId":"0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c",\
            "spaceId":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11"}
            """
        static let sha256 = "c59d1773f666a91b8c9134ab41f82daf0d4c8c3d6736f46c0c5455d6bd115a9a"
        static let hex =
            "76b875cdc2fb7e208c81825fee8ef69815ec10c6cdfaebca6b8a7a39d39ce2ba70d89a3d1ecb6dbd3e1742a0a15a4217f109a8e32fded882a91f7a1aa5b57569"
        static let recovery = 1
    }

    /// A.7
    enum AccountInboxMessage {
        static let canonical = """
            {"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",\
            "authorAccountAddress":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",\
            "ciphertext":"0xf8dcb34308e5c69f46a33cafa62bd922476b18c78a114eb144e34a5e374f7d60",\
            "inboxId":"0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c"}
            """
        static let sha256 = "4216ef88601a884d451097e89e2e29146539bb4c12ac3858e6dd14a79099bfe3"
        static let hex =
            "c0f644d9c90f022cc44790ab05ab5e9dad510dab601ba3b34768522351ab3dae4b9dd2e9f86461c3c304ccc0f31f60ed46a2954e705afe3dd9b126cbfba57bb8"
        static let recovery = 0
    }
}
