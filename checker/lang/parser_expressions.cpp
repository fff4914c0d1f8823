// The parser, expressions: precedence climbing over C's binary operators, unary operators, primaries.
#include "checker/lang/parser_internal.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace preempt::lang::syntax::detail {

namespace {

// Binary operators by token, with C's precedence (higher binds tighter).
struct BinaryOpInfo {
  TokenKind token;
  BinaryOp op;
  int precedence;
};
constexpr std::array<BinaryOpInfo, 18> kBinaryOps = {{
    {TokenKind::PipePipe, BinaryOp::LogicalOr, 1},
    {TokenKind::AmpAmp, BinaryOp::LogicalAnd, 2},
    {TokenKind::Pipe, BinaryOp::BitOr, 3},
    {TokenKind::Caret, BinaryOp::BitXor, 4},
    {TokenKind::Amp, BinaryOp::BitAnd, 5},
    {TokenKind::EqualEqual, BinaryOp::Eq, 6},
    {TokenKind::BangEqual, BinaryOp::Ne, 6},
    {TokenKind::Less, BinaryOp::Lt, 7},
    {TokenKind::LessEqual, BinaryOp::Le, 7},
    {TokenKind::Greater, BinaryOp::Gt, 7},
    {TokenKind::GreaterEqual, BinaryOp::Ge, 7},
    {TokenKind::LessLess, BinaryOp::Shl, 8},
    {TokenKind::GreaterGreater, BinaryOp::Shr, 8},
    {TokenKind::Plus, BinaryOp::Add, 9},
    {TokenKind::Minus, BinaryOp::Sub, 9},
    {TokenKind::Star, BinaryOp::Mul, 10},
    {TokenKind::Slash, BinaryOp::Div, 10},
    {TokenKind::Percent, BinaryOp::Rem, 10},
}};

const BinaryOpInfo* binary_op_of(TokenKind token) {
  for (const BinaryOpInfo& info : kBinaryOps) {
    if (info.token == token) return &info;
  }
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Expressions

ExprPtr Parser::placeholder(SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::IntLit;
  e->loc = loc;
  return e;
}

// Sets e's height from its children; a tree higher than kMaxNesting is an error.
ExprPtr Parser::finish(ExprPtr e) {
  uint32_t h = 0;
  for (const ExprPtr* child : {&e->index, &e->operand, &e->lhs, &e->rhs}) {
    if (*child) h = std::max(h, (*child)->height);
  }
  for (const ExprPtr& arg : e->args) h = std::max(h, arg->height);
  e->height = h + 1;
  if (e->height > kMaxNesting) {
    error_at(e->loc, "expression nested too deeply");
    return placeholder(e->loc);
  }
  return e;
}

// expression = binary ;
ExprPtr Parser::parse_expression() { return parse_binary(1); }

// binary = unary { binary_op unary }, by precedence climbing; from loosest to tightest:
//   "||" < "&&" < "|" < "^" < "&" < ( "==" | "!=" ) < ( "<" | "<=" | ">" | ">=" )
//   < ( "<<" | ">>" ) < ( "+" | "-" ) < ( "*" | "/" | "%" ) ;  all left-associative.
ExprPtr Parser::parse_binary(int min_precedence) {
  ExprPtr lhs = parse_unary(false);
  for (const BinaryOpInfo* info = binary_op_of(current_.kind);
       info != nullptr && info->precedence >= min_precedence; info = binary_op_of(current_.kind)) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Binary;
    e->loc = current_.loc;
    e->binary_op = info->op;
    advance();
    e->lhs = std::move(lhs);
    e->rhs = parse_binary(info->precedence + 1);
    lhs = finish(std::move(e));
  }
  return lhs;
}

// unary = ( "-" | "!" | "~" ) unary | primary ;   ("-" INTEGER is folded into one literal)
ExprPtr Parser::parse_unary(bool negated) {
  Nest nest(expr_depth_);
  if (nest.too_deep()) {
    error_at(current_.loc, "expression nested too deeply");
    return placeholder(current_.loc);
  }
  if (!check(TokenKind::Minus) && !check(TokenKind::Bang) && !check(TokenKind::Tilde)) {
    return parse_primary(negated);
  }
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Unary;
  e->loc = current_.loc;
  e->unary_op = check(TokenKind::Minus)  ? UnaryOp::Neg
                : check(TokenKind::Bang) ? UnaryOp::Not
                                         : UnaryOp::BitNot;
  advance();
  e->operand = parse_unary(e->unary_op == UnaryOp::Neg);
  if (e->unary_op == UnaryOp::Neg && e->operand->kind == ExprKind::IntLit) {
    ExprPtr literal = std::move(e->operand);  // wrapping negation; -INT64_MIN == INT64_MIN
    literal->loc = e->loc;
    literal->value = static_cast<int64_t>(0 - static_cast<uint64_t>(literal->value));
    return literal;
  }
  return finish(std::move(e));
}

// primary = INTEGER | "self" | "(" expression ")" | name_expr ;
ExprPtr Parser::parse_primary(bool negated) {
  if (check(TokenKind::Integer)) {
    ExprPtr e = placeholder(current_.loc);
    e->value = literal_value(current_, negated).value_or(0);
    advance();
    return e;
  }
  if (check(TokenKind::KwSelf)) {
    ExprPtr e = placeholder(current_.loc);
    e->kind = ExprKind::Self;
    advance();
    return e;
  }
  if (match(TokenKind::LParen)) {
    ExprPtr e = parse_expression();
    expect(TokenKind::RParen);
    return e;
  }
  if (check(TokenKind::Identifier)) return parse_name_expression();
  error_expected("an expression");
  return placeholder(current_.loc);
}

// name_expr = IDENT [ "[" expression "]" | "(" [ arguments ] ")" ] ;
ExprPtr Parser::parse_name_expression() {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Name;
  e->loc = current_.loc;
  e->name = Name{current_.text, current_.loc};
  advance();
  if (match(TokenKind::LBracket)) {
    e->index = parse_expression();
    expect(TokenKind::RBracket);
  } else if (match(TokenKind::LParen)) {
    e->kind = ExprKind::Call;
    parse_arguments(*e);
    expect(TokenKind::RParen);
  }
  return finish(std::move(e));
}

// arguments = expression { "," expression } ;
void Parser::parse_arguments(Expr& call) {
  if (check(TokenKind::RParen)) return;
  do {
    call.args.push_back(parse_expression());
  } while (!panic_ && match(TokenKind::Comma));
}

}  // namespace preempt::lang::syntax::detail
