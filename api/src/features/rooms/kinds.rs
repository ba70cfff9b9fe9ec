//! The closed sets of a room: its kind and its members' roles.

crate::platform::text_enum::text_enum! {
    /// `public` rooms are listed and open to join; `private` ones are invitation only and
    /// invisible to others; `direct` rooms hold exactly two users.
    pub enum RoomKind {
        Public = "public",
        Private = "private",
        Direct = "direct",
    }
}

crate::platform::text_enum::text_enum! {
    /// A member's role in a room.
    pub enum Role {
        Owner = "owner",
        Moderator = "moderator",
        Member = "member",
    }
}
