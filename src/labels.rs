//! `labelled_enum!`: the small closed vocabularies of the features (statuses, kinds,
//! outcomes) with the key that is stored and sent and the label people read. Declared before
//! the feature modules in `lib.rs`, so every feature can use it.

macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $key)] $variant),+ }

        // By hand: the derive does not see a macro's `rename` literals, and would describe
        // the variants' Rust names instead of the keys sent.
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $crate::labels::string_enum([$($key),+])
            }
        }

        impl ::utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The key stored and used in URLs and JSON.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s.trim() { $($key => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

/// The API description of a value sent as one of these strings.
pub fn string_enum(
    values: impl IntoIterator<Item = &'static str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values))
        .into()
}
