// Internal entry points of the record reader, for tests: a reader with a
// smaller document limit than RecordReader::kMaxDocumentBytes.

#ifndef OFFREGION_SRC_INGEST_RECORD_READER_INTERNAL_H_
#define OFFREGION_SRC_INGEST_RECORD_READER_INTERNAL_H_

#include <cstddef>
#include <memory>
#include <string>

#include "offregion/cloudtrail.h"

namespace offregion::ingest_internal {

// Like RecordReader::FromString, but documents and lines longer than
// `max_document_bytes` are errors.
std::unique_ptr<RecordReader> RecordReaderFromString(std::string data,
                                                     std::string name,
                                                     size_t max_document_bytes);

}  // namespace offregion::ingest_internal

#endif  // OFFREGION_SRC_INGEST_RECORD_READER_INTERNAL_H_
