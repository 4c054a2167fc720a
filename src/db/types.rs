//! The domain's named values as columns: stored as their stable snake_case names (`Text`), parsed
//! once here when a row is read, so the code above the database compares enums, never strings.
//! A stored name the domain does not know fails the read with the name in the error.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
// What `#[derive(AsExpression)]` expands to; the derive itself would put diesel in the domain.
use diesel::internal::derives::as_expression::Bound;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{SingleValue, Text};
use diesel::sqlite::{Sqlite, SqliteValue};

use super::MultiBackend;
use crate::domain::calendar::DayOverride;
use crate::domain::channel::RequestChannel;
use crate::domain::document::{DecisionStatus, DocumentPurpose, DocumentStatus};
use crate::domain::identity::RequesterType;
use crate::domain::kind::RequestKind;
use crate::domain::lifecycle::DecisionScope;
use crate::domain::message::MessageDirection;
use crate::domain::outcome::Outcome;
use crate::domain::role::Role;
use crate::domain::state::CaseState;

macro_rules! text_columns {
    ($($ty:ty),+ $(,)?) => {$(
        // What `#[derive(FromSqlRow)]` expands to: a column of this type reads as one value.
        impl<DB, ST> Queryable<ST, DB> for $ty
        where
            DB: Backend,
            ST: SingleValue,
            Self: FromSql<ST, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                let name = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
                name.parse().map_err(|e| format!("{e}").into())
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                let name = <String as FromSql<Text, Pg>>::from_sql(value)?;
                name.parse().map_err(|e| format!("{e}").into())
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(
                value: <MultiBackend as Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl AsExpression<Text> for $ty {
            type Expression = Bound<Text, $ty>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Text> for &'a $ty {
            type Expression = Bound<Text, &'a $ty>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
    )+};
}

text_columns!(
    CaseState,
    RequestKind,
    RequestChannel,
    RequesterType,
    Role,
    DocumentPurpose,
    DocumentStatus,
    DecisionStatus,
    DecisionScope,
    DayOverride,
    Outcome,
    MessageDirection,
);
