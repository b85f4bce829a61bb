#include "http/types.h"

namespace pantau::http {

std::string_view ToString(Lang lang) { return lang == Lang::kEn ? "en" : "id"; }

}  // namespace pantau::http
