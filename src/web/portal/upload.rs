//! Documents sent from the case page: a photo from the phone's camera or a file. The form is
//! multipart, so its CSRF token is checked here rather than by the form extractor.

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_web::{HttpResponse, web};

use super::case::case_page;
use crate::domain::identity::DocumentType;
use crate::service::case_record::requester_audit;
use crate::service::documents::{self, Upload, UploadError, UploadProblem};
use crate::web::AppState;
use crate::web::csrf::{CarriesCsrf, CsrfMultipart, Posted};
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, see_other};

#[derive(MultipartForm)]
pub struct UploadForm {
    csrf: Option<Text<String>>,
    declared_type: Option<Text<String>>,
    file: Option<Bytes>,
}

impl CarriesCsrf for UploadForm {
    fn csrf(&self) -> &str {
        self.csrf.as_deref().map_or("", String::as_str)
    }
}

pub async fn upload(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    page: PageContext,
    CsrfMultipart(posted): CsrfMultipart<UploadForm>,
) -> Result<HttpResponse, AppError> {
    let row = super::case_by_token(&state, &access_token).await?;
    let mut errors = FieldErrors::default();
    let form = match posted {
        Posted::Fresh(form) => form,
        Posted::Stale(_) => {
            errors.add_general("field.csrf_expired");
            return case_page(&state, &access_token, page, errors).await;
        }
    };
    let case_state = row.state;
    let declared_type = form
        .declared_type
        .as_ref()
        .and_then(|t| t.parse::<DocumentType>().ok());
    let problem = if !case_state.takes_documents() {
        Some(UploadProblem::Closed)
    } else if declared_type.is_none() {
        Some(UploadProblem::NoType)
    } else {
        None
    };
    let (Some(declared_type), None) = (declared_type, problem) else {
        errors.add(
            if problem == Some(UploadProblem::NoType) {
                "declared_type"
            } else {
                "file"
            },
            problem.map(UploadProblem::code).unwrap_or_default(),
        );
        return case_page(&state, &access_token, page, errors).await;
    };
    let bytes = form.file.map(|f| f.data.to_vec()).unwrap_or_default();
    let upload = Upload {
        audit: Some(requester_audit(state.now(), "document.uploaded", &row.id)),
        case_id: &row.id,
        case_state: row.state,
        uploaded_by: "requester",
        attachment: crate::service::documents::Attachment::Requester(declared_type),
        max_bytes: state.config.upload_max_bytes,
        case_max_bytes: state.config.case_upload_max_bytes,
    };
    match documents::store(
        &state.db,
        &state.master,
        &state.blobs,
        upload,
        bytes,
        state.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/case/{access_token}#documents"))),
        Err(UploadError::Rejected(problem)) => {
            errors.add("file", problem.code());
            case_page(&state, &access_token, page, errors).await
        }
        Err(UploadError::Db(db)) => Err(db.into()),
        Err(other) => Err(AppError::internal(other)),
    }
}
