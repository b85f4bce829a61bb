// `pantau netintel lookup <ip>...` and `pantau netintel stats`: the ASN table from the command line.
//   lookup  one tab-separated line per address: ip, prefix (the /24 or /48 locus), asn, org, class,
//           region code and name; exit 1 naming every address that does not parse, 2 when the table
//           cannot be opened.
//   stats   prefixes, ranges and addresses per network class; government organisations linked to a
//           region.
// Both take --asn-table PATH (env PANTAU_ASN_TABLE; default: the table the build wrote).
#pragma once

#include <CLI/CLI.hpp>

namespace pantau::cli {

void AddNetintelCommand(CLI::App& app);

}  // namespace pantau::cli
