#include "arena_plan.hpp"

#include <algorithm>
#include <iterator>

namespace llmhost::cpu {
namespace {

size_t align_up(size_t n) { return (n + kTensorAlign - 1) / kTensorAlign * kTensorAlign; }

// Free ranges of the arena, kept sorted by offset and coalesced.
class FreeList {
 public:
  size_t take(size_t bytes, size_t& arena_end) {
    auto best = blocks_.end();
    for (auto it = blocks_.begin(); it != blocks_.end(); ++it)
      if (it->size >= bytes && (best == blocks_.end() || it->size < best->size)) best = it;
    if (best == blocks_.end()) {
      // Grow: reuse a free block that touches the end of the arena.
      if (!blocks_.empty() && blocks_.back().offset + blocks_.back().size == arena_end) {
        const size_t off = blocks_.back().offset;
        blocks_.pop_back();
        arena_end = off + bytes;
        return off;
      }
      const size_t off = arena_end;
      arena_end += bytes;
      return off;
    }
    const size_t off = best->offset;
    best->offset += bytes;
    best->size -= bytes;
    if (best->size == 0) blocks_.erase(best);
    return off;
  }

  void give(size_t offset, size_t bytes) {
    auto it = std::lower_bound(blocks_.begin(), blocks_.end(), offset,
                               [](const Block& b, size_t off) { return b.offset < off; });
    it = blocks_.insert(it, Block{offset, bytes});
    if (auto next = std::next(it); next != blocks_.end() && it->offset + it->size == next->offset) {
      it->size += next->size;
      blocks_.erase(next);
    }
    if (it != blocks_.begin()) {
      auto prev = std::prev(it);
      if (prev->offset + prev->size == it->offset) {
        prev->size += it->size;
        blocks_.erase(it);
      }
    }
  }

 private:
  struct Block {
    size_t offset;
    size_t size;
  };
  std::vector<Block> blocks_;
};

} // namespace

ArenaPlan plan_arena(const Graph& graph) {
  const auto& tensors = graph.tensors();
  const auto& ops = graph.ops();
  const size_t n = tensors.size();
  ArenaPlan plan;
  plan.offsets.assign(n, ArenaPlan::npos);
  plan.alias_of.resize(n);
  for (size_t i = 0; i < n; ++i) plan.alias_of[i] = static_cast<TensorId>(i);

  auto valid = [&](TensorId id) { return id >= 0 && static_cast<size_t>(id) < n; };
  for (const OpNode& op : ops)
    if (op.op == OpKind::reshape && valid(op.dst) && valid(op.src[0]))
      plan.alias_of[op.dst] = plan.alias_of[op.src[0]];

  // Last op index reading each storage root; outputs live to the end.
  std::vector<size_t> last_use(n, 0);
  for (size_t i = 0; i < ops.size(); ++i) {
    for (TensorId s : ops[i].src)
      if (valid(s)) last_use[plan.alias_of[s]] = i;
    if (valid(ops[i].dst)) last_use[plan.alias_of[ops[i].dst]] = std::max(last_use[plan.alias_of[ops[i].dst]], i);
  }
  for (size_t i = 0; i < n; ++i)
    if (tensors[i].output) last_use[plan.alias_of[i]] = ops.size();

  FreeList free_list;
  size_t arena_end = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const OpNode& op = ops[i];
    if (valid(op.dst) && op.op != OpKind::reshape && tensors[op.dst].role == TensorRole::intermediate &&
        plan.offsets[op.dst] == ArenaPlan::npos) {
      plan.offsets[op.dst] = free_list.take(align_up(tensors[op.dst].desc.bytes()), arena_end);
    }
    // Release roots whose last reader is this op (each once).
    for (int k = 0; k < 5; ++k) {
      const TensorId t = k < 4 ? op.src[k] : op.dst;
      if (!valid(t)) continue;
      const TensorId root = plan.alias_of[t];
      if (last_use[root] == i && plan.offsets[root] != ArenaPlan::npos) {
        bool seen_before = false;
        for (int j = 0; j < k; ++j) {
          const TensorId u = j < 4 ? op.src[j] : op.dst;
          if (valid(u) && plan.alias_of[u] == root) seen_before = true;
        }
        if (!seen_before) free_list.give(plan.offsets[root], align_up(tensors[root].desc.bytes()));
      }
    }
  }
  plan.arena_bytes = arena_end;
  return plan;
}

} // namespace llmhost::cpu
